"""Every file the system writes, as pure builders: plain data in, bytes out. A plain
package: no models, no templates, so it needs no place in INSTALLED_APPS; it imports only
cchc.lib, never an app (the apps read the data and pass it in, labels included).

- `official.py`: the Decree 30/2020/NĐ-CP layout (DOCX);
- `plan.py`: a plan as DOCX and XLSX; `plan_template.py`: a plan to fill in (XLSX);
- `tasks.py`: the task list as XLSX;
- `inspection.py`: an inspection's minutes (biên bản kiểm tra, signed by both parties) and
  conclusion notice (thông báo kết luận kiểm tra) as DOCX;
- `consolidated/`: the consolidated report as DOCX, XLSX or PDF;
- `scoring.py`: the year's scoring results (the council's table) as XLSX and DOCX, and one
  unit's score sheet as XLSX and DOCX;
- `xlsx.py`: the one XLSX writer, with the formula-injection guard;
- `charts.py` (PNG with matplotlib), `pdf.py` (LibreOffice), `ooxml.py` (fixed bytes).
"""
