variable "project_id" {
  type    = string
  default = "nba-props-platform"
}

variable "region" {
  type    = string
  default = "us-west2"
}

variable "source_bucket" {
  type        = string
  description = "Bucket that holds the zipped function sources"
  default     = "nba-props-platform-functions"
}
