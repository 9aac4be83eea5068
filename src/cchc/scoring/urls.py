from django.urls import path

from . import assessment_views, results_views, views

app_name = "scoring"

urlpatterns = [
    path("criteria/", views.set_list, name="set-list"),
    path("criteria/new/", views.set_create, name="set-create"),
    path("criteria/example/", views.set_example, name="set-example"),
    path("criteria/import/", views.set_import, name="set-import"),
    path("criteria/<int:pk>/", views.set_detail, name="set-detail"),
    path("criteria/<int:pk>/export/", views.set_export, name="set-export"),
    path("criteria/<int:pk>/copy/", views.set_copy, name="set-copy"),
    path("criteria/<int:pk>/in-use/", views.set_in_use, name="set-in-use"),
    path("criteria/<int:pk>/add/", views.criterion_create, name="criterion-create"),
    path("criteria/items/<int:pk>/edit/", views.criterion_edit, name="criterion-edit"),
    path("criteria/items/<int:pk>/delete/", views.criterion_delete, name="criterion-delete"),
    path(
        "criteria/<int:pk>/assessments/",
        assessment_views.assessment_progress,
        name="assessment-progress",
    ),
    path(
        "criteria/<int:pk>/assessments/open/",
        assessment_views.assessments_open,
        name="assessments-open",
    ),
    path("criteria/<int:pk>/survey/", assessment_views.survey_points, name="survey-points"),
    path("assessments/", assessment_views.assessment_mine, name="assessment-mine"),
    path("appraisals/", assessment_views.appraisal_queue, name="appraisal-queue"),
    path("assessments/<int:pk>/", assessment_views.assessment_detail, name="assessment-detail"),
    path(
        "assessments/<int:pk>/submit/",
        assessment_views.assessment_submit,
        name="assessment-submit",
    ),
    path("assessments/<int:pk>/appraisal/", assessment_views.appraisal_send, name="appraisal-send"),
    path(
        "assessments/<int:pk>/answer/", assessment_views.assessment_answer, name="assessment-answer"
    ),
    path(
        "assessments/<int:pk>/finalise/",
        assessment_views.assessment_finalise,
        name="assessment-finalise",
    ),
    path(
        "assessments/<int:pk>/reopen/", assessment_views.assessment_reopen, name="assessment-reopen"
    ),
    path("assessments/scores/<int:pk>/", assessment_views.score_save, name="score-save"),
    path(
        "assessments/scores/<int:pk>/appraise/",
        assessment_views.score_appraise,
        name="score-appraise",
    ),
    path("assessments/scores/<int:pk>/survey/", assessment_views.score_survey, name="score-survey"),
    path(
        "assessments/files/<int:pk>/",
        assessment_views.score_file_download,
        name="score-file-download",
    ),
    path(
        "assessments/files/<int:pk>/remove/",
        assessment_views.score_file_remove,
        name="score-file-remove",
    ),
    path("criteria/<int:pk>/edit/", results_views.set_edit, name="set-edit"),
    path("criteria/<int:pk>/settings/", results_views.set_settings, name="set-settings"),
    path("criteria/<int:pk>/close/", results_views.set_close, name="set-close"),
    path("criteria/<int:pk>/results/", results_views.set_results, name="set-results"),
    path(
        "criteria/<int:pk>/results/<str:fmt>/",
        results_views.results_export,
        name="results-export",
    ),
    path("assessments/<int:pk>/sheet/<str:fmt>/", results_views.score_sheet, name="score-sheet"),
]
