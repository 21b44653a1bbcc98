// The Caddyfile tokenizer (caddyconfig/caddyfile/lexer.go in Caddy 2.6), reproduced:
//  - a token is a run of non-space bytes; newlines are significant (a directive ends
//    at the end of its line) and a backslash before a newline continues the line;
//  - '#' starts a comment only where a token could start ("a#b" is one word);
//  - '{' and '}' are structure only as whole tokens: "{host}" is a placeholder word;
//  - a double-quoted string keeps newlines; inside it only \" is an escape (other
//    backslashes stay), and a string ends at its closing quote ("a"b is two tokens);
//  - a backtick string is raw: no escapes at all;
//  - heredocs (<<MARKER ... MARKER, Caddy 2.7 syntax accepted here too): the lines up
//    to the one holding only the marker.
// {$ENV} substitution happens before lexing, as in Caddy. The input is fed one code
// point per byte, so offsets are byte offsets and any byte sequence lexes.
lexer grammar CaddyLexer;

@members {
  std::string heredoc_marker_;
  static std::string trimmed(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  }
  // Whether the line ahead is the heredoc's closing marker (more tokens may follow it).
  bool at_marker_line() {
    ssize_t i = 1;
    while (_input->LA(i) == ' ' || _input->LA(i) == '\t') ++i;
    for (char ch : heredoc_marker_) {
      if (_input->LA(i) != static_cast<unsigned char>(ch)) return false;
      ++i;
    }
    size_t c = _input->LA(i);
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == antlr4::IntStream::EOF;
  }
}

NEWLINE      : '\r'? '\n' ;
WS           : [ \t\r]+ -> skip ;
CONTINUATION : '\\' '\r'? '\n' -> skip ;
COMMENT      : '#' ~[\n]* -> skip ;

LBRACE : '{' ;
RBRACE : '}' ;

DQ_STRING : '"' ( '\\' . | ~["\\] )* '"' ;
BT_STRING : '`' ~[`]* '`' ;
// Still open at end of file: reported by the front end.
DQ_OPEN   : '"' ( '\\' . | ~["\\] )* '\\'? ;
BT_OPEN   : '`' ~[`]* ;

HEREDOC_START : '<<' [A-Za-z0-9_-]+ [ \t]* '\r'? '\n'
                { heredoc_marker_ = trimmed(getText().substr(2)); } -> pushMode(HEREDOC) ;

WORD : WORD_START WORD_CHAR* ;

fragment WORD_START : '\\' ~[\n] | ~[ \t\r\n"`#\\] ;
fragment WORD_CHAR  : '\\' ~[\n] | ~[ \t\r\n\\] ;

// A lone backslash at end of file; keeps the lexer total.
STRAY : . ;

mode HEREDOC;
// The closing marker, alone or followed by more tokens of the same line; every other
// line of a heredoc is its text.
HEREDOC_END  : {at_marker_line()}? [ \t]* [A-Za-z0-9_-]+ -> popMode ;
HEREDOC_LINE : {!at_marker_line()}? ( ~[\n]* '\n' | ~[\n]+ ) ;
