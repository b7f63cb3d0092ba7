"""Pipeline configuration: phase transitions and settings."""
