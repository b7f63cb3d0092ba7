# The injury-report alert function is deployed by Terraform (`terraform apply` from this
# folder): archive its source folder, upload the zip, point the function at the object.

provider "google" {
  project = var.project_id
  region  = var.region
}

data "archive_file" "injury_alerts" {
  type        = "zip"
  source_dir  = "${path.module}/../../orchestration/cloud_functions/injury_alerts"
  output_path = "${path.module}/build/injury_alerts.zip"
  excludes    = ["tests"]
}

resource "google_storage_bucket_object" "injury_alerts" {
  name   = "injury-alerts-${data.archive_file.injury_alerts.output_md5}.zip"
  bucket = var.source_bucket
  source = data.archive_file.injury_alerts.output_path
}

resource "google_cloudfunctions2_function" "injury_alerts" {
  name     = "injury-alerts"
  location = var.region

  build_config {
    runtime     = "python311"
    entry_point = "send_injury_alerts"
    source {
      storage_source {
        bucket = var.source_bucket
        object = google_storage_bucket_object.injury_alerts.name
      }
    }
  }

  service_config {
    available_memory   = "512Mi"
    timeout_seconds    = 120
    max_instance_count = 3
    environment_variables = {
      GCP_PROJECT = var.project_id
    }
  }

  event_trigger {
    trigger_region = var.region
    event_type     = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic   = "projects/${var.project_id}/topics/nba-injury-report"
    retry_policy   = "RETRY_POLICY_RETRY"
  }
}
