"""cchc export_plan PLAN_ID --format docx|xlsx -o FILE: the plan as an official file."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import timezone

from cchc.documents.plan import plan_docx, plan_xlsx
from cchc.plans.exports import plan_export_data
from cchc.plans.models import Plan


class Command(BaseCommand):
    help = "Xuất kế hoạch ra tệp Word (văn bản theo Nghị định 30/2020/NĐ-CP) hoặc Excel."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--format", choices=["docx", "xlsx"], required=True)
        parser.add_argument("-o", "--output", required=True, help="tệp sẽ ghi ra")
        parser.add_argument(
            "--as", dest="username", help="chỉ xuất những nhiệm vụ người dùng này được xem"
        )

    def handle(self, *args, **options):
        plan = Plan.objects.filter(pk=options["plan_id"]).first()
        if plan is None:
            raise CommandError(f"Không có kế hoạch #{options['plan_id']}.")
        user = None
        if options["username"]:
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"Không có người dùng “{options['username']}”.")
        try:
            data = plan_export_data(user=user, plan=plan, today=timezone.localdate())
        except Http404 as exc:
            raise CommandError(f"{options['username']} không được xem kế hoạch này.") from exc
        content = plan_docx(data) if options["format"] == "docx" else plan_xlsx(data)
        path = Path(options["output"])
        path.write_bytes(content)
        tasks = sum(a.task_count for a in data.areas)
        self.stdout.write(
            self.style.SUCCESS(f"Đã ghi {path} ({len(content) // 1024} KB, {tasks} nhiệm vụ).")
        )
