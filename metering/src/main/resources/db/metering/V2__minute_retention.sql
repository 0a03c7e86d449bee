-- minute roll-ups are deleted by age (MeteringConfig.minuteRetention); hours and days are kept
create index usage_minute_bucket on metering.usage_minute (bucket);
