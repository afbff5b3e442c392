/**
 * The three internal modules of miniprogram-simulate and j-component that the screens command patches
 * or calls (environment.ts, wxss.ts): plain CommonJS without declarations, described here as far as used.
 */
declare module 'miniprogram-simulate/src/utils' {
  const utils: { runJs: (filePath: string) => void };
  export = utils;
}

declare module 'miniprogram-simulate/src/wxss' {
  const wxss: {
    getContent(filePath: string): string;
    compile(wxss: string, options: { prefix: string }): string;
  };
  export = wxss;
}

declare module 'j-component/src/template/parse' {
  type TextHandler = { text?: (content: string) => void } & Record<string, unknown>;
  const parse: (content: string, handler?: TextHandler) => unknown;
  export = parse;
}
