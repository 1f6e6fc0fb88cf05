# The site writes British English: the day before the month, the month in full.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
