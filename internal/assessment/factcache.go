package assessment

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"zorginkoop/internal/provider"
)

// Reading a provider's facts from a database costs 10–50 times judging them (see
// docs/performance.md), so FactCache keeps, per selection a run reads (a policy's care
// types, the facts its rules refer to, its part choices and contracts), the selected
// providers in memory, and before every run asks the database which providers were written
// since it last looked (provider.ChangeLog) and reloads only those. The database stays the
// only truth: the cache never applies a write itself, it rereads what was committed. So a
// write that failed (rolled back) leaves the cache as it was, a write by another instance
// on the same database is seen before the next run, and a stored value that cannot be read
// reaches the rules as it is, to be judged unknown with the reason, as when streaming.

// DefaultFactCacheBytes is the memory FactCache may hold when no limit is configured:
// enough for every seed policy's selection of 100,000 providers.
const DefaultFactCacheBytes = 1 << 30

// reloadLimit is the most changed providers a run reloads one by one; above it the
// selection is read again whole, which is cheaper than hundreds of small queries.
const reloadLimit = 5000

// idBatch is how many provider ids go into one query when reloading changed providers.
const idBatch = 500

// FactCache holds the providers of the selections runs read, kept current with the
// database. It is safe for concurrent use. Build it with NewFactCache.
type FactCache struct {
	store   provider.Store
	changes provider.ChangeLog
	limit   int64
	log     *slog.Logger

	mu      sync.Mutex
	entries map[string]*cached // by selectionKey
	bytes   int64              // held by all entries, and the interner
	tick    int64              // use counter, for evicting the least recently used
	in      interner           // the strings of the vocabulary, shared by all entries
	// tooBig are the selections found not to fit: streamed from then on, without trying
	// to load them again (a full read up to the limit) on every run.
	tooBig map[string]bool
}

// cached is the selected providers of one selection, as of change number seq.
type cached struct {
	sel   provider.Selection
	seq   int64
	ps    []*provider.Provider // ordered by id, as the store streams them; never changed in place
	bytes int64
	used  int64
}

// NewFactCache returns a cache over store, kept current by changes, holding at most limit
// bytes (DefaultFactCacheBytes when 0). A selection that does not fit is streamed from
// the database, with a log line in log (nil: none) that says so.
func NewFactCache(store provider.Store, changes provider.ChangeLog, limit int64, log *slog.Logger) *FactCache {
	if limit == 0 {
		limit = DefaultFactCacheBytes
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &FactCache{store: store, changes: changes, limit: limit, log: log, entries: map[string]*cached{}}
}

// Bytes is the memory the cache holds, by its own accounting (see providerBytes).
func (c *FactCache) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

// Source returns the providers sel selects, as committed in the database when it is
// called: from memory when they fit within the limit, else streamed from the store.
func (c *FactCache) Source(ctx context.Context, sel provider.Selection) (Source, error) {
	ps, err := c.current(ctx, sel)
	if errors.Is(err, errTooBig) {
		c.log.Warn("fact cache: the providers of this selection do not fit in the configured memory limit; streaming them from the database",
			"care_types", sel.CareTypes, "policy", sel.Policy, "limit_bytes", c.limit)
		return func(fn func(*provider.Provider) error) error { return c.store.EachProvider(ctx, sel, fn) }, nil
	}
	if err != nil {
		return nil, err
	}
	return func(fn func(*provider.Provider) error) error {
		for _, p := range ps {
			if err := fn(p); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

var errTooBig = errors.New("selection over the fact cache's limit")

// current returns the selection's providers brought up to date: loaded whole the first
// time, then only those written since.
func (c *FactCache) current(ctx context.Context, sel provider.Selection) ([]*provider.Provider, error) {
	key := selectionKey(sel)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick++
	if c.tooBig[key] {
		return nil, errTooBig
	}
	e := c.entries[key]
	if e == nil {
		return c.loadOrMark(ctx, key, sel)
	}
	e.used = c.tick
	ch, err := c.changes.ProviderChanges(ctx, e.seq, reloadLimit)
	if err != nil {
		return nil, err
	}
	if ch.All {
		c.drop(key)
		return c.loadOrMark(ctx, key, sel)
	}
	if len(ch.IDs) == 0 {
		e.seq = ch.Seq
		return e.ps, nil
	}
	fresh, err := c.read(ctx, sel, ch.IDs)
	if err != nil {
		return nil, err // the entry stays as it was, at its old number: the next run tries again
	}
	next := merge(e.ps, ch.IDs, fresh)
	bytes := e.bytes
	for _, p := range fresh {
		bytes += providerBytes(p)
	}
	for _, id := range ch.IDs {
		if i, ok := slices.BinarySearchFunc(e.ps, id, byID); ok {
			bytes -= providerBytes(e.ps[i])
		}
	}
	c.bytes += bytes - e.bytes
	e.ps, e.bytes, e.seq = next, bytes, ch.Seq
	if e.bytes > c.limit { // grown past the limit on its own: stream it from now on
		c.drop(key)
		c.markTooBig(key)
		return nil, errTooBig
	}
	c.evict(key)
	return next, nil
}

// loadOrMark loads the selection, remembering it as too big when it does not fit.
func (c *FactCache) loadOrMark(ctx context.Context, key string, sel provider.Selection) ([]*provider.Provider, error) {
	ps, err := c.load(ctx, key, sel)
	if errors.Is(err, errTooBig) {
		c.markTooBig(key)
	}
	return ps, err
}

func (c *FactCache) markTooBig(key string) {
	if c.tooBig == nil {
		c.tooBig = map[string]bool{}
	}
	c.tooBig[key] = true
}

// load reads the selection whole and keeps it if it fits, evicting the least recently
// used selections to make room.
func (c *FactCache) load(ctx context.Context, key string, sel provider.Selection) ([]*provider.Provider, error) {
	// The number first: a write that commits during the read is reread next time.
	ch, err := c.changes.ProviderChanges(ctx, -1, 0)
	if err != nil {
		return nil, err
	}
	var ps []*provider.Provider
	var bytes int64
	vocab := c.in.bytes
	err = c.store.EachProvider(ctx, sel, func(p *provider.Provider) error {
		c.in.provider(p)
		bytes += providerBytes(p)
		if bytes+c.in.bytes > c.limit {
			return errTooBig
		}
		ps = append(ps, p)
		return nil
	})
	c.bytes += c.in.bytes - vocab // the vocabulary is kept whatever happens to the entry
	if err != nil {
		return nil, err
	}
	if !slices.IsSortedFunc(ps, byProviderID) {
		slices.SortFunc(ps, byProviderID) // merge and reload look providers up by id
	}
	e := &cached{sel: sel, seq: ch.Seq, ps: ps, bytes: bytes, used: c.tick}
	c.entries[key] = e
	c.bytes += e.bytes
	c.evict(key)
	c.log.Debug("fact cache: loaded", "providers", len(ps), "bytes", e.bytes, "held_bytes", c.bytes)
	return ps, nil
}

// evict drops the least recently used selections other than keep until the cache is
// within its limit.
func (c *FactCache) evict(keep string) {
	for c.bytes > c.limit {
		victim := ""
		for k, e := range c.entries {
			if k != keep && (victim == "" || e.used < c.entries[victim].used) {
				victim = k
			}
		}
		if victim == "" {
			return // keep alone fits: load checked it
		}
		c.log.Info("fact cache: over its memory limit, dropping the least recently used selection",
			"policy", c.entries[victim].sel.Policy, "limit_bytes", c.limit)
		c.drop(victim)
	}
}

func (c *FactCache) drop(key string) {
	if e := c.entries[key]; e != nil {
		c.bytes -= e.bytes
		delete(c.entries, key)
	}
}

// read reads the providers ids of the selection (those still stored and selected).
func (c *FactCache) read(ctx context.Context, sel provider.Selection, ids []string) ([]*provider.Provider, error) {
	var out []*provider.Provider
	vocab := c.in.bytes
	defer func() { c.bytes += c.in.bytes - vocab }()
	for start := 0; start < len(ids); start += idBatch {
		s := sel
		s.IDs = ids[start:min(start+idBatch, len(ids))]
		err := c.store.EachProvider(ctx, s, func(p *provider.Provider) error {
			c.in.provider(p)
			out = append(out, p)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reload changed providers: %w", err)
		}
	}
	slices.SortFunc(out, byProviderID)
	return out, nil
}

// merge returns old without the providers changed, with fresh in their places: a new
// slice, since runs may still be reading old.
func merge(old []*provider.Provider, changed []string, fresh []*provider.Provider) []*provider.Provider {
	gone := make(map[string]bool, len(changed))
	for _, id := range changed {
		gone[id] = true
	}
	out := make([]*provider.Provider, 0, len(old)+len(fresh))
	i := 0
	for _, p := range old {
		for i < len(fresh) && fresh[i].ID < p.ID {
			out = append(out, fresh[i])
			i++
		}
		if !gone[p.ID] {
			out = append(out, p)
		}
	}
	return append(out, fresh[i:]...)
}

func byID(p *provider.Provider, id string) int { return strings.Compare(p.ID, id) }

func byProviderID(a, b *provider.Provider) int { return strings.Compare(a.ID, b.ID) }

// selectionKey identifies a selection: the same key reads the same providers and facts.
func selectionKey(sel provider.Selection) string {
	var b strings.Builder
	for _, part := range [][]string{sel.CareTypes, sel.Facts, {sel.Policy, sel.Insurer}} {
		b.WriteString(strings.Join(part, "\x1f"))
		b.WriteByte('\x1e')
	}
	if sel.Facts == nil {
		b.WriteString("all facts")
	}
	return b.String()
}
