"""Letters and mail: templates filled from real records, batches for a cohort, consultation with the
unions, the outbox and HR's daily digest."""
