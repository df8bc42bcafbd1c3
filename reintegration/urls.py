"""Return-to-work pages: sick leave and triggers, the graded plan, the RTW plan and checklists, the discharge letter
(one module each)."""

from reintegration import urls_letter, urls_plan, urls_rtw, urls_sickleave

app_name = "reintegration"

urlpatterns = urls_sickleave.urlpatterns + urls_plan.urlpatterns + urls_rtw.urlpatterns + urls_letter.urlpatterns
