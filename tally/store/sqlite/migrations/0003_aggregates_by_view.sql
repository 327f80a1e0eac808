-- Results read one view at a time: with this index the database sums a
-- view's rows in index order (and from the index alone) instead of
-- sorting every row of the running totals.
CREATE INDEX aggregates_by_view ON aggregates (view_name, contest, district_kind, ward, field, value);
