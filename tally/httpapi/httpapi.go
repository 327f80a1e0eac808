// Package httpapi is the HTTP face of the tally:
//
//	POST /v1/envelopes                 a station's signed record → receipt (the signature authenticates)
//	GET  /healthz                      200 when the store is reachable
//	GET  /v1/results?view=best|final|quick   viewer token
//	GET  /v1/status                    viewer token: progress, staffing, turnout
//	GET  /v1/audit                     office token: the audit log
//	POST /v1/contests/{id}/certify[?revoke=REASON|?incomplete=REASON]   admin token
//
// Refusals are {"code": ..., "message": ...} with a 4xx status; 503 means
// "not stored, send the same bytes again".
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// Roles of office tokens (tally.TokenRole*), from least to most.
const (
	RoleViewer = tally.TokenRoleViewer
	RoleOffice = tally.TokenRoleOffice
	RoleAdmin  = tally.TokenRoleAdmin
)

var roleRank = map[string]int{RoleViewer: 1, RoleOffice: 2, RoleAdmin: 3}

// Handler serves the API.
type Handler struct {
	svc *tally.Service
	st  store.Reader
	log *slog.Logger
	mux *http.ServeMux
}

// New builds the handler.
func New(svc *tally.Service, st store.Reader, log *slog.Logger) *Handler {
	h := &Handler{svc: svc, st: st, log: log, mux: http.NewServeMux()}
	h.mux.HandleFunc("POST /v1/envelopes", h.postEnvelope)
	h.mux.HandleFunc("GET /healthz", h.healthz)
	h.mux.Handle("GET /v1/results", h.office(RoleViewer, h.results))
	h.mux.Handle("GET /v1/status", h.office(RoleViewer, h.status))
	h.mux.Handle("GET /v1/audit", h.office(RoleOffice, h.auditLog))
	h.mux.Handle("POST /v1/contests/{contest}/certify", h.office(RoleAdmin, h.certify))
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	h.mux.ServeHTTP(rec, r)
	h.log.Info("http", "method", r.Method, "path", r.URL.Path, "status", rec.status, "bytes", rec.bytes,
		"ms", time.Since(start).Milliseconds(), "remote", r.RemoteAddr)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }
func (s *statusRecorder) Write(b []byte) (int, error) {
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// ErrorBody is what a refusal looks like on the wire.
type ErrorBody struct {
	Code     string           `json:"code"`
	Message  string           `json:"message"`
	Findings []ballot.Finding `json:"findings,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, ErrorBody{Code: code, Message: msg})
}

func (h *Handler) postEnvelope(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, seal.MaxEnvelopeSize))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			const msg = "the envelope is larger than 1 MiB"
			h.svc.KeepRefused(r.Context(), body, tally.ViaHTTP, string(seal.CodeEnvelopeTooLarge), msg)
			writeError(w, http.StatusRequestEntityTooLarge, string(seal.CodeEnvelopeTooLarge), msg)
			return
		}
		writeError(w, http.StatusBadRequest, "request-unreadable", err.Error())
		return
	}
	acc, err := h.svc.Ingest(r.Context(), body, tally.ViaHTTP)
	if err != nil {
		h.fail(w, err) // a 503 tells the station to send the same bytes again
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(acc.Receipt)
}

func (h *Handler) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := h.st.Election(ctx); err != nil {
		writeError(w, http.StatusServiceUnavailable, tally.CodeStoreUnavailable, "store unreachable")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (h *Handler) results(w http.ResponseWriter, r *http.Request) {
	view := r.URL.Query().Get("view")
	if view == "" {
		view = tally.ViewBest
	}
	res, err := h.svc.Results(r.Context(), view)
	if err != nil {
		writeError(w, http.StatusBadRequest, "view-unknown", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (h *Handler) status(w http.ResponseWriter, r *http.Request) {
	st, err := h.svc.Status(r.Context())
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (h *Handler) auditLog(w http.ResponseWriter, r *http.Request) {
	log, err := h.st.AuditLog(r.Context())
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, log)
}

// certify certifies a contest for the token's holder; with ?revoke=REASON
// it revokes the certification instead, with ?incomplete=REASON it
// certifies although districts lack their final record.
func (h *Handler) certify(w http.ResponseWriter, r *http.Request) {
	contest, by := r.PathValue("contest"), "token:"+tokenOf(r).Name
	var err error
	q := r.URL.Query()
	switch {
	case q.Get("revoke") != "":
		err = h.svc.RevokeCertification(r.Context(), contest, by, q.Get("revoke"))
	case q.Has("incomplete"):
		err = h.svc.CertifyIncomplete(r.Context(), contest, by, q.Get("incomplete"))
	default:
		err = h.svc.Certify(r.Context(), contest, by)
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"contest": contest, "status": "ok"})
}

// fail answers a refusal with its code and status, anything else as 503.
func (h *Handler) fail(w http.ResponseWriter, err error) {
	var te *tally.Error
	if errors.As(err, &te) {
		writeJSON(w, te.Status, ErrorBody{Code: te.Code, Message: te.Message, Findings: te.Findings})
		return
	}
	h.log.Error("request failed", "err", err)
	writeError(w, http.StatusServiceUnavailable, tally.CodeStoreUnavailable, "the store is not reachable; try again")
}

type tokenKey struct{}

func tokenOf(r *http.Request) store.Token {
	t, _ := r.Context().Value(tokenKey{}).(store.Token)
	return t
}

// office wraps an office endpoint: a bearer token of at least the role.
func (h *Handler) office(role string, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A refused office request is logged with its code (and the token's
		// name where there is one): someone tried the office's doors.
		refuse := func(status int, code, msg, token string) {
			h.log.Warn("office request refused", "code", code, "method", r.Method, "path", r.URL.Path,
				"token", token, "remote", r.RemoteAddr)
			if contest := r.PathValue("contest"); contest != "" {
				// An attempt at an office action is in the audit log too.
				actor := "token:" + token
				if token == "" {
					actor = "no valid token from " + r.RemoteAddr
				}
				if err := h.svc.AuditRefused(r.Context(), actor, "certify", contest, code, msg); err != nil {
					h.log.Error("could not write the audit log", "err", err)
				}
			}
			writeError(w, status, code, msg)
		}
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || secret == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="wahlkoffer"`)
			refuse(http.StatusUnauthorized, "token-missing", "this endpoint needs a bearer token", "")
			return
		}
		tok, err := h.st.TokenByHash(r.Context(), HashToken(secret))
		switch {
		case errors.Is(err, store.ErrNotFound) || (err == nil && !tok.RevokedAt.IsZero()):
			refuse(http.StatusUnauthorized, "token-invalid", "the token is unknown or revoked", tok.Name)
			return
		case err != nil:
			writeError(w, http.StatusServiceUnavailable, tally.CodeStoreUnavailable, "store unreachable")
			return
		case roleRank[tok.Role] < roleRank[role]:
			refuse(http.StatusForbidden, "token-role", "the token's role "+tok.Role+" may not do this", tok.Name)
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), tokenKey{}, tok)))
	})
}

// HashToken is how token secrets are stored (tally.HashToken).
func HashToken(secret string) string { return tally.HashToken(secret) }

// Serve listens on addr until ctx ends, then shuts down gracefully:
// requests in flight finish (up to drain), so nothing acknowledged is cut
// off. With certFile and keyFile it speaks TLS. ready, if not nil, gets
// the address actually listened on (for ":0").
func Serve(ctx context.Context, addr string, handler http.Handler, certFile, keyFile string, drain time.Duration, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() {
		if certFile != "" {
			errc <- srv.ServeTLS(ln, certFile, keyFile)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
