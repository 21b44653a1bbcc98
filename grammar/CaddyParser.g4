// The generic shape of a Caddyfile: lines of words, each optionally opening a block.
// Which line is a site address, a directive, a matcher or a subdirective is decided
// by compiler/caddy's tables, as Caddy's own parser decides it from the tokens.
parser grammar CaddyParser;

options { tokenVocab = CaddyLexer; }

config    : ( NEWLINE | statement )* EOF ;
statement : ( WORD | DQ_STRING | BT_STRING | DQ_OPEN | BT_OPEN | STRAY | heredoc )+ block?
          | block ;
heredoc   : HEREDOC_START HEREDOC_LINE* HEREDOC_END ;
block     : LBRACE ( NEWLINE | statement )* RBRACE ;
