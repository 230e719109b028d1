package db

// IndexedBy is the clause after a table (and its alias) in FROM that makes
// SQLite read it through the named index. SQLite plans without
// statistics, and for a lookup by primary key it takes the table itself
// even when a narrow covering index answers the query without loading a
// wide row (a body on overflow pages). PostgreSQL plans from its
// statistics and has no such clause: there it is empty.
func (d *DB) IndexedBy(index string) string {
	if d.Dialect == SQLite {
		return " INDEXED BY " + index
	}
	return ""
}
