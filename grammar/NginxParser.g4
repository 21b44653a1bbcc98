// The generic shape of an nginx configuration: directives with arguments, ending in
// ';' or a block. Meaning (contexts, arity, values) lives in compiler/nginx's
// directive table, not here.
parser grammar NginxParser;

options { tokenVocab = NginxLexer; }

config    : statement* EOF ;
statement : directive | emptyStatement ;
directive : word+ ( SEMI | block ) ;
block     : LBRACE statement* RBRACE ;
// nginx rejects ';' and '{' that follow no word: "unexpected ';'".
emptyStatement : SEMI | block ;
word      : WORD | DQ_STRING | SQ_STRING | DQ_GLUED | SQ_GLUED | DQ_OPEN | SQ_OPEN | STRAY ;
