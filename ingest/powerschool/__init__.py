"""PowerSchool through its API: the PowerQuery declarations, the plugin and the dlt source."""
