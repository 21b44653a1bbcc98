// HAProxy's configuration tokenizer (parse_line() in src/tools.c, 2.6), line-oriented:
//  - a line is a list of words separated by blanks and ends at a newline;
//  - '#' outside quotes ends the line (a comment), even inside a word;
//  - a backslash escapes the next character ('\ ', '\#', '\\', '\"', '\'');
//    the front end resolves escapes and the \r \n \t \x.. sequences;
//  - single quotes keep their content as is; double quotes allow escapes and ${VAR}
//    expansion; quoted and unquoted parts glue into one word ("a"'b'c is one word);
//  - the .if/.elif/.else/.endif lines are ordinary lines here: the front end
//    evaluates them.
// The input is one code point per byte, so offsets are byte offsets.
//
// Blanks after a word or a newline are part of that token (the front end trims them):
// the runtime spends more per token than per character, and this halves the tokens.
lexer grammar HaproxyLexer;

NL      : '\r'? '\n' [ \t\r]* ;
WS      : [ \t\r]+ -> skip ;
COMMENT : '#' ~[\n]* -> skip ;

WORD : WORD_PART+ [ \t\r]* ;

// A quote still open at the end of its line: HAProxy's "unmatched quote".
OPEN_QUOTE : WORD_PART* ( '"' ( '\\' ~[\n] | ~["\\\n] )* | '\'' ~['\n]* ) ;

fragment WORD_PART
  : '\\' ~[\n]
  | '"' ( '\\' ~[\n] | ~["\\\n] )* '"'
  | '\'' ~['\n]* '\''
  | ~[ \t\r\n#"'\\]
  ;

// A backslash at the end of a line or file; keeps the lexer total.
STRAY : . ;
