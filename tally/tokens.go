package tally

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// Roles of office tokens, from least to most. They equal httpapi's.
const (
	TokenRoleViewer = "viewer"
	TokenRoleOffice = "office"
	TokenRoleAdmin  = "admin"
)

// TokenRoles lists the roles a token can have.
var TokenRoles = []string{TokenRoleAdmin, TokenRoleOffice, TokenRoleViewer}

// Codes of refused tokens.
const (
	CodeTokenRoleUnknown = "token-role-unknown"
	CodeTokenNameMissing = "token-name-missing"
)

// tokenBytes is the entropy of a token secret.
const tokenBytes = 32

// HashToken is how token secrets are stored: hex SHA-256 of the secret.
// (httpapi.HashToken implements the same rule.)
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken makes a bearer token for the office API with a role and a
// name that says whose it is. It returns the secret, which is stored only
// as its hash and cannot be shown again.
func (s *Service) CreateToken(ctx context.Context, name, role string) (string, error) {
	now := s.clock().UTC()
	name = strings.TrimSpace(name)
	switch {
	case role != TokenRoleAdmin && role != TokenRoleOffice && role != TokenRoleViewer:
		return "", s.auditRefusal(ctx, now, "office", "token-create", name,
			refuse(CodeTokenRoleUnknown, http.StatusUnprocessableEntity, "role %q: use admin, office or viewer", role))
	case name == "":
		return "", s.auditRefusal(ctx, now, "office", "token-create", name,
			refuse(CodeTokenNameMissing, http.StatusUnprocessableEntity, "a token needs a name saying whose it is"))
	}
	raw := make([]byte, tokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	secret := base64.RawURLEncoding.EncodeToString(raw)
	t := store.Token{ID: uuid.NewString(), Name: name, Role: role, Hash: HashToken(secret), CreatedAt: now}
	err := s.store.InTx(ctx, func(tx store.Tx) error {
		if err := tx.InsertToken(ctx, t); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, store.AuditEntry{At: now, Actor: "office", Action: "token-create", Subject: name,
			Outcome: "ok", Detail: "token " + t.ID + ", role " + role})
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}
