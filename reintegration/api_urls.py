"""API paths of reintegration, included into wmr.api_urls under the "api" namespace (no app_name here)."""

from reintegration import api_letter, api_plan, api_rtw, api_sickleave

urlpatterns = api_sickleave.urlpatterns + api_plan.urlpatterns + api_rtw.urlpatterns + api_letter.urlpatterns
