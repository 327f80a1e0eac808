package kit

// SealUnchecked seals k as it is, without Check and with the PIN taken as
// given, so that tests can make the kits Seal refuses and see Open refuse
// them.
func SealUnchecked(k Kit, pin string, opts SealOptions) ([]byte, error) {
	return sealContents(k, NormalizePIN(pin), opts)
}
