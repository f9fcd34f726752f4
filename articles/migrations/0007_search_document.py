"""A stored, indexed search document for PostgreSQL; nothing on other databases (SQLite).

Searching used to build the weighted ``to_tsvector(unaccent(…))`` of the title, lead and body
of every published article on each query (0.3–0.5 s with 500 articles). The same vector is
now kept in ``articles_article.search_document`` by a trigger, so every way of writing an
article (``save()``, ``QuerySet.update()``, ``bulk_create``, a restore) keeps it current, and
searched through a GIN index. The column is deliberately not a model field: Django would
otherwise read the whole vector with every article it loads. ``articles.search`` names it.
"""

from django.db import migrations

# The expression ``articles.search`` built per query before (title A, lead B, body C), so the
# matches and ranks stay exactly the same.
DOCUMENT = """
    setweight(to_tsvector('simple'::regconfig, COALESCE(unaccent({row}title), '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, COALESCE(unaccent({row}lead), '')), 'B')
    || setweight(to_tsvector('simple'::regconfig, COALESCE(unaccent({row}body), '')), 'C')
"""

FORWARDS = [
    "ALTER TABLE articles_article ADD COLUMN search_document tsvector",
    # SET search_path FROM CURRENT: unaccent is found as at migration time, whatever the
    # search_path of the session that writes the article.
    f"""
    CREATE FUNCTION articles_article_search_document() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
        NEW.search_document := {DOCUMENT.format(row="NEW.")};
        RETURN NEW;
    END
    $$
    """,
    # Only when the text may change: counting a view (an UPDATE of view_count) stays cheap.
    """
    CREATE TRIGGER articles_article_search_document
    BEFORE INSERT OR UPDATE OF title, lead, body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_document()
    """,
    f"UPDATE articles_article SET search_document = {DOCUMENT.format(row='')}",
    "CREATE INDEX articles_article_search_document ON articles_article USING gin (search_document)",
]

BACKWARDS = [
    "DROP TRIGGER IF EXISTS articles_article_search_document ON articles_article",
    "DROP FUNCTION IF EXISTS articles_article_search_document()",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_document",
]


class RunSQLOnPostgreSQL(migrations.RunSQL):
    """RunSQL on PostgreSQL only: SQLite searches the folded ``search_text`` instead."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_figures_frozen"),
    ]

    operations = [
        RunSQLOnPostgreSQL(FORWARDS, BACKWARDS, elidable=False),
    ]
