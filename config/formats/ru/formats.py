# The month in the genitive, as a date is said ("19 декабря 2012"); Django's own adds
# "\u0433." (the abbreviation of "year"), which the site's dates, always beside other words, do
# without.
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, G:i"
