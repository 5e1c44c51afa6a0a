from django.urls import path

from bench.http.views import bare_companies
from config.urls import urlpatterns as site

urlpatterns = [path("bench/bare-companies/", bare_companies), *site]
