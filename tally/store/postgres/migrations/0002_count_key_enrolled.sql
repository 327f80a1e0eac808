-- The enrollment time of the key that signed the current count: a count
-- from a replacement laptop (enrolled later) takes the place of the old
-- laptop's, whatever their version numbers. NULL reads as the zero time.
ALTER TABLE current_counts ADD COLUMN key_enrolled_at TIMESTAMPTZ;
