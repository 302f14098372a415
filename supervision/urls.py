from django.urls import path

from .views import assessments, complaints, hub, inspections, kpis, meetings, scoring, training

app_name = "supervision"

urlpatterns = [
    path("", hub.hub, name="hub"),
    # SUP-1 complaints: the public page (no login) and the supervisors' pages.
    path("complaint/", complaints.public_complaint, name="complaint_public"),
    path("complaint/thanks/", complaints.public_thanks, name="complaint_thanks"),
    path("complaint/status/", complaints.public_status, name="complaint_status"),
    path("complaints/", complaints.complaint_list, name="complaint_list"),
    path("complaints/new/", complaints.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", complaints.complaint_detail, name="complaint_detail"),
    path(
        "complaints/<int:pk>/investigate/",
        complaints.complaint_investigate,
        name="complaint_investigate",
    ),
    path("complaints/<int:pk>/finding/", complaints.complaint_finding, name="complaint_finding"),
    # SUP-2 inspections.
    path("inspections/", inspections.inspection_list, name="inspection_list"),
    path("inspections/new/", inspections.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection_detail"),
    path(
        "inspections/<int:pk>/items/<int:item_pk>/score/",
        inspections.inspection_score,
        name="inspection_score",
    ),
    path(
        "inspections/<int:pk>/complete/",
        inspections.inspection_complete,
        name="inspection_complete",
    ),
    path("inspections/<int:pk>/report/", inspections.inspection_report, name="inspection_report"),
    # SUP-3 work meetings.
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/measures/", meetings.measure_add, name="measure_add"),
    path("measures/<int:pk>/follow-up/", meetings.measure_follow_up, name="measure_follow_up"),
    # TRN-1 training.
    path("training/", training.training_list, name="training_list"),
    path("training/new/", training.training_new, name="training_new"),
    path("training/<int:pk>/", training.training_detail, name="training_detail"),
    path(
        "training/<int:pk>/attendance/",
        training.training_attendance,
        name="training_attendance",
    ),
    path("training/staff/<int:pk>/", training.training_record, name="training_record"),
    path("teaching-cases/new/", training.teaching_case_new, name="teaching_case_new"),
    path("teaching-cases/<int:pk>/", training.teaching_case_detail, name="teaching_case_detail"),
    # KPI-1 and KPI-2.
    path("kpis/", kpis.kpi_overview, name="kpi_overview"),
    path("kpis/export.csv", kpis.kpi_export_csv, name="kpi_export_csv"),
    path("kpis/export.xlsx", kpis.kpi_export_xlsx, name="kpi_export_xlsx"),
    path("kpis/report.pdf", kpis.kpi_report_pdf, name="kpi_report_pdf"),
    path("kpis/staff/<int:pk>/", kpis.kpi_staff, name="kpi_staff"),
    path("assessments/", assessments.assessment_list, name="assessment_list"),
    path("assessments/new/", assessments.assessment_new, name="assessment_new"),
    # KPI-3: the scoring standard and the periodic assessments.
    path("standard/", scoring.standard_list, name="standard_list"),
    path("standard/new/", scoring.standard_new, name="standard_new"),
    path("periodic/", scoring.periodic_list, name="periodic_list"),
    path("periodic/compute/", scoring.periodic_compute, name="periodic_compute"),
    path("periodic/<int:pk>/", scoring.periodic_detail, name="periodic_detail"),
    path("periodic/<int:pk>/sign-off/", scoring.periodic_sign_off, name="periodic_sign_off"),
]
