package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/apptest"
)

// serve's job loop runs a pass at once (the pass itself is proven in internal/app:
// TestJobsSendADueReminderOnceAndPublishASignedContractOnItsDate), and stop waits for
// it and ends the loop, before the database closes.
func TestJobsRunAtOnceAndStopOnShutdown(t *testing.T) {
	env := apptest.New(t)
	var log lockedBuffer
	stop := runJobs(context.Background(), env.Services, slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})), time.Hour)
	done := make(chan struct{})
	go func() { stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("stop did not return")
	}
	if strings.Contains(log.String(), "level=ERROR") {
		t.Errorf("the pass failed:\n%s", log.String())
	}
}
