"""Code shared by scrapers, processors, orchestrators and services."""
