package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/audit"
	"zorginkoop/internal/mail/smtptest"
	"zorginkoop/internal/store"
)

// serve logs the audit head at start and mails it to --audit-head-mail.
func TestServeMailsTheAuditHeadToTheOperator(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(context.Background(), dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err := audit.NewLog(db, time.Now).Record(context.Background(), audit.Entry{Action: "test", Subject: "x"})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	smtp := smtptest.Start(t, smtptest.Options{})
	env := map[string]string{"ZORGINKOOP_DATA_DIR": dir, "ZORGINKOOP_AUDIT_HEAD_MAIL": "operator@example.nl"}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--smtp-addr", smtp.Addr, "--smtp-from", "zorginkoop@example.nl"},
			&stdout, &stderr, func(k string) string { return env[k] })
	}()
	// Wait for the mail (a timeout, not a measurement: the test fails only if none comes).
	var m smtptest.Message
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m, err = smtp.Last(); err == nil {
			break
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve: exit %d: %s", code, stderr.String())
	}
	head := "1:" + e.Hash
	if err != nil || m.To[0] != "operator@example.nl" || !strings.Contains(m.Body, "zorginkoop audit verify --head "+head) {
		t.Fatalf("no mail with the head %s: %v %+v", head, err, m)
	}
	if !strings.Contains(stderr.String(), "head="+head) {
		t.Errorf("the log lacks head=%s:\n%s", head, stderr.String())
	}
}

func TestServeAuditHeadMailFlag(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--audit-head-mail", "geen adres"}, `--audit-head-mail: "geen adres" is not an e-mail address`},
		{[]string{"--audit-head-mail", "operator@example.nl"}, "--audit-head-mail needs --smtp-addr"},
	}
	for _, tt := range tests {
		code, _, errOut := cli(t, map[string]string{"ZORGINKOOP_DATA_DIR": t.TempDir()}, append([]string{"serve"}, tt.args...)...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("serve %v: exit %d, stderr %q; want exit 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}
