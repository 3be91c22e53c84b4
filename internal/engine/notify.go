package engine

// Keyspace notification classes (notify-keyspace-events flags).
const (
	NotifyGeneric = 1 << iota // g
	NotifyString              // $
	NotifyList                // l
	NotifySet                 // s
	NotifyHash                // h
	NotifyZSet                // z
	NotifyExpired             // x
	NotifyEvicted             // e
	NotifyStream              // t
	NotifyKeyMiss             // m
	NotifyModule              // d
	NotifyNew                 // n
)

// Notify publishes a keyspace event for key in the current db when the
// class is enabled by notify-keyspace-events. Handlers call it for every
// event Redis fires, with Redis's event names ("set", "del", "expire" ...).
func (c *Ctx) Notify(class int, event string, key []byte) {
	c.E.notify(class, event, c.DB.ID, key)
}

// notify is the seam for pub/sub delivery of keyspace events.
func (e *Engine) notify(class int, event string, db int, key []byte) {
	if e.Notifier != nil {
		e.Notifier(class, event, db, key)
	}
}
