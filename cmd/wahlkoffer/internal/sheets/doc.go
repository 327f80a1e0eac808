// Package sheets builds the input values of the official PDFs (package
// reports) from the running system: from a tally (its service and store)
// for the office's documents, and from a station for the record the board
// prints and signs. It is plain mapping code with no flags and no output,
// so that `tally report`, `station print` and the demo all print the same
// documents from the same state.
//
// Fingerprints. The result sheet carries ResultsFingerprint: the SHA-256
// over the envelope hashes of the current counts the results were computed
// from (see ViewCounts and Fingerprint). A station record carries the
// envelope hash (seal.EnvelopeHash, the hex SHA-256 of the signed envelope
// as stored) of the station's newest count record of the record's stage.
// Both can be recomputed by anyone holding the evidence file.
package sheets
