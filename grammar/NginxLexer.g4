// nginx's configuration tokenizer (ngx_conf_read_token in src/core/ngx_conf_file.c),
// reproduced exactly rather than approximated:
//  - a word ends at whitespace, ';' or '{'; '}' and '#' end nothing inside a word;
//  - '#' starts a comment only where a token could start;
//  - quotes open a string only at the start of a token, and a closing quote must be
//    followed by whitespace, ';', '{' or ')' (else nginx says: unexpected "x");
//  - a backslash escapes the next character anywhere;
//  - "$" followed by "{" keeps the brace inside the word (${var}).
// The input is fed as one code point per byte, so offsets are byte offsets and any
// byte sequence (Latin-1 comments, invalid UTF-8) lexes.
//
// Whitespace after a token is part of that token (the front end trims it): the runtime
// spends more per token than per character, and this halves the number of tokens.
lexer grammar NginxLexer;

SEMI   : ';' SPACE* ;
LBRACE : '{' SPACE* ;
RBRACE : '}' SPACE* ;

WS      : SPACE+ -> skip ;
COMMENT : '#' ~[\n]* SPACE* -> skip ;

DQ_STRING : DQ_BODY SPACE* ;
SQ_STRING : SQ_BODY SPACE* ;

// A closed string glued to the next character: the lowering reports nginx's error.
DQ_GLUED : DQ_BODY ~[ \t\r\n;{)] ;
SQ_GLUED : SQ_BODY ~[ \t\r\n;{)] ;

// A string still open at end of file (a closed one is always one character longer).
DQ_OPEN : '"' ( '\\' . | ~["\\] )* '\\'? ;
SQ_OPEN : '\'' ( '\\' . | ~['\\] )* '\\'? ;

WORD : WORD_START WORD_CHAR* ( '\\' | SPACE* ) ;

fragment SPACE      : [ \t\r\n] ;
fragment DQ_BODY    : '"' ( '\\' . | ~["\\] )* '"' ;
fragment SQ_BODY    : '\'' ( '\\' . | ~['\\] )* '\'' ;
fragment WORD_START : '\\' . | '$' '{'* | ~[ \t\r\n;{}#"'\\$] ;
fragment WORD_CHAR  : '\\' . | '$' '{'* | ~[ \t\r\n;{\\$] ;

// Only a lone backslash at end of file gets here; keep the lexer total.
STRAY : . ;
