"""Files that municipalities and ministries submit: templates, landing zone, safe
parsing, the quality gate and feedback reports (source name `submissions`)."""
