// The generic shape of an nginx configuration: directives with arguments, ending in
// ';' or a block. Meaning (contexts, arity, values) lives in compiler/nginx's
// directive table, not here. Rules are kept few and flat: each rule invocation costs
// the runtime an allocation, and a large configuration has a hundred thousand words.
parser grammar NginxParser;

options { tokenVocab = NginxLexer; }

config    : ( directive | emptyStatement )* EOF ;
directive : ( WORD | DQ_STRING | SQ_STRING | DQ_GLUED | SQ_GLUED | DQ_OPEN | SQ_OPEN | STRAY )+
            ( SEMI | block ) ;
block     : LBRACE ( directive | emptyStatement )* RBRACE ;
// nginx rejects ';' and '{' that follow no word: "unexpected ';'".
emptyStatement : SEMI | block ;
