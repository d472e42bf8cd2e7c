"""Documents and FAQ sheets a manager sends in the chat, ingested for the team; /docs lists and
deletes them."""
