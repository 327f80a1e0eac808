package ballot

// Checks of a postal district (Briefwahlbezirk): no register, everyone
// votes with a polling card, and the intake of ballot letters adds up.

func (k *checker) postalDistrict() {
	c := k.c
	var aValues []FieldValue
	for _, l := range []string{FieldA1, FieldA2, FieldA3} {
		if fv := k.fv(l); fv.Value != 0 {
			aValues = append(aValues, fv)
		}
	}
	k.add(FindingPostalAValues, len(aValues) > 0, aValues...)
	k.add(FindingPostalB1NotB, c.B != c.B1, k.fv(FieldB), k.fv(FieldB1))
	if c.Postal == nil {
		k.add(FindingPostalLettersMissing, true)
		return
	}
	p := c.Postal
	decided := addSat(p.Admitted, p.Rejected)
	k.add(FindingPostalQueriedMismatch, p.Queried != decided,
		k.fv(FieldQueried), k.fv(FieldAdmitted), k.fv(FieldRejected))

	for _, r := range sortedKeys(p.RejectedBy) {
		if !r.Valid() {
			k.addDetail(FindingPostalReasonUnknown, string(r), k.fv(RejectedField(r)))
		}
	}
	fields := []FieldValue{k.fv(FieldRejected)}
	var byReason int64
	for _, fv := range k.c.Numbers() {
		if _, ok := cutRejected(fv.Field); ok {
			fields = append(fields, fv)
			byReason = addSat(byReason, fv.Value)
		}
	}
	k.add(FindingPostalRejectedSum, byReason != p.Rejected, fields...)

	// With queried = admitted + rejected the two bounds say the same; name
	// it once.
	k.add(FindingPostalDecidedAbove, decided != p.Queried && decided > p.Received,
		k.fv(FieldAdmitted), k.fv(FieldRejected), k.fv(FieldReceived))
	k.add(FindingPostalQueriedAbove, p.Queried > p.Received, k.fv(FieldQueried), k.fv(FieldReceived))
}
