/**
 * A small GraphQL document parser: operations, variables with defaults,
 * fields with aliases and arguments, inline fragments and named fragments.
 * Directives are read and ignored. Enough for what an Admin API client sends.
 */

/** A JSON-like GraphQL value after variables are substituted. */
export type GraphqlValue =
  | null
  | boolean
  | number
  | string
  | GraphqlValue[]
  | { [key: string]: GraphqlValue };

/** An argument value as written in the document. */
export type ValueNode =
  | { kind: "variable"; name: string }
  | { kind: "scalar"; value: null | boolean | number | string }
  | { kind: "list"; items: ValueNode[] }
  | { kind: "object"; fields: Record<string, ValueNode> };

/** A field selection. */
export interface FieldNode {
  kind: "field";
  name: string;
  alias?: string;
  args: Record<string, ValueNode>;
  selections: SelectionNode[] | null;
  line: number;
  column: number;
}

/** A field, an inline fragment or a named fragment spread. */
export type SelectionNode =
  | FieldNode
  | { kind: "inline"; typeCondition?: string; selections: SelectionNode[] }
  | { kind: "spread"; name: string };

/** A query or mutation. */
export interface OperationNode {
  operation: "query" | "mutation" | "subscription";
  name?: string;
  variables: { name: string; defaultValue?: ValueNode }[];
  selections: SelectionNode[];
}

/** A parsed document. */
export interface DocumentNode {
  operations: OperationNode[];
  fragments: Map<string, { typeCondition: string; selections: SelectionNode[] }>;
}

/** A syntax error, with Shopify-like wording and position. */
export class GraphqlSyntaxError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
  }
}

interface Token {
  kind: "punct" | "name" | "number" | "string" | "eof";
  text: string;
  value?: string | number;
  line: number;
  column: number;
}

const PUNCTUATORS = "!$&()[]{}:=@|";

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let line = 1;
  let lineStart = 0;
  const at = () => ({ line, column: index - lineStart + 1 });
  while (index < source.length) {
    const char = source[index];
    if (char === "\n") {
      index++;
      line++;
      lineStart = index;
    } else if (char === "#") {
      while (index < source.length && source[index] !== "\n") index++;
    } else if (/[\s,\ufeff]/.test(char)) {
      index++;
    } else if (source.startsWith("...", index)) {
      tokens.push({ kind: "punct", text: "...", ...at() });
      index += 3;
    } else if (PUNCTUATORS.includes(char)) {
      tokens.push({ kind: "punct", text: char, ...at() });
      index++;
    } else if (/[_A-Za-z]/.test(char)) {
      const match = /^[_A-Za-z][_0-9A-Za-z]*/.exec(source.slice(index))!;
      tokens.push({ kind: "name", text: match[0], ...at() });
      index += match[0].length;
    } else if (/[-0-9]/.test(char)) {
      const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(index));
      if (!match) throw syntaxError(char, at());
      tokens.push({
        kind: "number",
        text: match[0],
        value: Number(match[0]),
        ...at(),
      });
      index += match[0].length;
    } else if (source.startsWith('"""', index)) {
      const end = source.indexOf('"""', index + 3);
      if (end < 0) throw syntaxError('"""', at());
      const raw = source.slice(index + 3, end);
      tokens.push({ kind: "string", text: raw, value: blockString(raw), ...at() });
      for (const c of raw) if (c === "\n") line++;
      index = end + 3;
      if (raw.includes("\n")) lineStart = source.lastIndexOf("\n", index) + 1;
    } else if (char === '"') {
      const match = /^"((?:[^"\\\n]|\\.)*)"/.exec(source.slice(index));
      if (!match) throw syntaxError(char, at());
      tokens.push({
        kind: "string",
        text: match[0],
        value: JSON.parse(match[0]) as string,
        ...at(),
      });
      index += match[0].length;
    } else {
      throw syntaxError(char, at());
    }
  }
  tokens.push({ kind: "eof", text: "end of file", ...at() });
  return tokens;
}

function blockString(raw: string): string {
  const lines = raw.replaceAll('\\"""', '"""').split(/\r\n|\n|\r/);
  const indents = lines.slice(1).filter((text) => text.trim())
    .map((text) => text.length - text.trimStart().length);
  const common = indents.length ? Math.min(...indents) : 0;
  const body = [lines[0], ...lines.slice(1).map((text) => text.slice(common))];
  while (body.length && !body[0].trim()) body.shift();
  while (body.length && !body[body.length - 1].trim()) body.pop();
  return body.join("\n");
}

function syntaxError(
  text: string,
  position: { line: number; column: number },
): GraphqlSyntaxError {
  return new GraphqlSyntaxError(
    `Parse error on "${text}" at [${position.line}, ${position.column}]`,
    position.line,
    position.column,
  );
}

class Parser {
  #tokens: Token[];
  #index = 0;

  constructor(source: string) {
    this.#tokens = tokenize(source);
  }

  document(): DocumentNode {
    const document: DocumentNode = { operations: [], fragments: new Map() };
    while (this.#peek().kind !== "eof") {
      const token = this.#peek();
      if (token.kind === "punct" && token.text === "{") {
        document.operations.push({
          operation: "query",
          variables: [],
          selections: this.#selectionSet(),
        });
      } else if (token.kind === "name" && token.text === "fragment") {
        this.#next();
        const name = this.#name();
        this.#keyword("on");
        const typeCondition = this.#name();
        this.#directives();
        document.fragments.set(name, {
          typeCondition,
          selections: this.#selectionSet(),
        });
      } else if (
        token.kind === "name" &&
        ["query", "mutation", "subscription"].includes(token.text)
      ) {
        this.#next();
        const operation = token.text as OperationNode["operation"];
        const name = this.#peek().kind === "name" ? this.#name() : undefined;
        const variables = this.#variableDefinitions();
        this.#directives();
        document.operations.push({
          operation,
          name,
          variables,
          selections: this.#selectionSet(),
        });
      } else {
        throw syntaxError(token.text, token);
      }
    }
    return document;
  }

  #variableDefinitions(): OperationNode["variables"] {
    const variables: OperationNode["variables"] = [];
    if (!this.#skip("(")) return variables;
    while (!this.#skip(")")) {
      this.#expect("$");
      const name = this.#name();
      this.#expect(":");
      this.#type();
      const defaultValue = this.#skip("=") ? this.#value() : undefined;
      this.#directives();
      variables.push({ name, defaultValue });
    }
    return variables;
  }

  #type(): void {
    if (this.#skip("[")) {
      this.#type();
      this.#expect("]");
    } else {
      this.#name();
    }
    this.#skip("!");
  }

  #selectionSet(): SelectionNode[] {
    this.#expect("{");
    const selections: SelectionNode[] = [];
    while (!this.#skip("}")) selections.push(this.#selection());
    if (selections.length === 0) {
      const token = this.#tokens[this.#index - 1];
      throw syntaxError("}", token);
    }
    return selections;
  }

  #selection(): SelectionNode {
    if (this.#skip("...")) {
      const token = this.#peek();
      if (token.kind === "name" && token.text === "on") {
        this.#next();
        const typeCondition = this.#name();
        this.#directives();
        return { kind: "inline", typeCondition, selections: this.#selectionSet() };
      }
      if (token.kind === "name") {
        const name = this.#name();
        this.#directives();
        return { kind: "spread", name };
      }
      this.#directives();
      return { kind: "inline", selections: this.#selectionSet() };
    }
    const start = this.#peek();
    let name = this.#name();
    let alias: string | undefined;
    if (this.#skip(":")) {
      alias = name;
      name = this.#name();
    }
    const args: Record<string, ValueNode> = {};
    if (this.#skip("(")) {
      while (!this.#skip(")")) {
        const argument = this.#name();
        this.#expect(":");
        args[argument] = this.#value();
      }
    }
    this.#directives();
    const next = this.#peek();
    const selections = next.kind === "punct" && next.text === "{" ? this.#selectionSet() : null;
    return {
      kind: "field",
      name,
      alias,
      args,
      selections,
      line: start.line,
      column: start.column,
    };
  }

  #directives(): void {
    while (this.#skip("@")) {
      this.#name();
      if (this.#skip("(")) {
        while (!this.#skip(")")) {
          this.#name();
          this.#expect(":");
          this.#value();
        }
      }
    }
  }

  #value(): ValueNode {
    const token = this.#next();
    if (token.kind === "punct" && token.text === "$") {
      return { kind: "variable", name: this.#name() };
    }
    if (token.kind === "number" || token.kind === "string") {
      return { kind: "scalar", value: token.value! };
    }
    if (token.kind === "name") {
      const value = token.text === "true"
        ? true
        : token.text === "false"
        ? false
        : token.text === "null"
        ? null
        : token.text;
      return { kind: "scalar", value };
    }
    if (token.kind === "punct" && token.text === "[") {
      const items: ValueNode[] = [];
      while (!this.#skip("]")) items.push(this.#value());
      return { kind: "list", items };
    }
    if (token.kind === "punct" && token.text === "{") {
      const fields: Record<string, ValueNode> = {};
      while (!this.#skip("}")) {
        const name = this.#name();
        this.#expect(":");
        fields[name] = this.#value();
      }
      return { kind: "object", fields };
    }
    throw syntaxError(token.text, token);
  }

  #peek(): Token {
    return this.#tokens[this.#index];
  }

  #next(): Token {
    const token = this.#tokens[this.#index];
    if (token.kind !== "eof") this.#index++;
    return token;
  }

  #skip(punct: string): boolean {
    const token = this.#peek();
    if (token.kind === "punct" && token.text === punct) {
      this.#index++;
      return true;
    }
    return false;
  }

  #expect(punct: string): void {
    const token = this.#next();
    if (token.kind !== "punct" || token.text !== punct) {
      throw syntaxError(token.text, token);
    }
  }

  #keyword(word: string): void {
    const token = this.#next();
    if (token.kind !== "name" || token.text !== word) {
      throw syntaxError(token.text, token);
    }
  }

  #name(): string {
    const token = this.#next();
    if (token.kind !== "name") throw syntaxError(token.text, token);
    return token.text;
  }
}

/** Parses a GraphQL document; throws {@link GraphqlSyntaxError}. */
export function parseGraphql(source: string): DocumentNode {
  return new Parser(source).document();
}

/** The value of `node` with variables taken from `variables`. */
export function resolveValue(
  node: ValueNode,
  variables: Record<string, GraphqlValue>,
): GraphqlValue {
  switch (node.kind) {
    case "variable":
      return variables[node.name] ?? null;
    case "scalar":
      return node.value;
    case "list":
      return node.items.map((item) => resolveValue(item, variables));
    case "object":
      return Object.fromEntries(
        Object.entries(node.fields).map((
          [key, value],
        ) => [key, resolveValue(value, variables)]),
      );
  }
}
