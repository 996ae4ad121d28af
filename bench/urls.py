"""The product's URLs, plus the straightforward admin the figures are compared with (only in the bench)."""

from django.urls import path

from bench.baseline import site as baseline_site
from config.urls import urlpatterns as product_urlpatterns

urlpatterns = [path("bench-baseline-admin/", baseline_site.urls), *product_urlpatterns]
