/**
 * Every page and component is declared through here: `Component(page({...}))`. A handler or lifecycle
 * method that fails has already told the person why (services/http.ts shows the server's words); what
 * must not happen is a rejected promise nobody waits for — WeChat only logs those, and a test runner
 * counts them as failures. So each method's promise is caught here: server errors end quietly, anything
 * else is logged for the developer.
 */
import { ApiError } from './http';
import { WxError } from './wxp';
import { textScaleClass, textScaleStyle } from './textScale';

type Options<
  TData extends WechatMiniprogram.Component.DataOption,
  TProperty extends WechatMiniprogram.Component.PropertyOption,
  TMethod extends WechatMiniprogram.Component.MethodOption,
> = WechatMiniprogram.Component.Options<TData, TProperty, TMethod, []>;

function report(err: unknown): void {
  if (err instanceof ApiError || err instanceof WxError) return;
  console.error('页面处理出错', err);
}

export function page<
  TData extends WechatMiniprogram.Component.DataOption,
  TProperty extends WechatMiniprogram.Component.PropertyOption,
  TMethod extends WechatMiniprogram.Component.MethodOption,
>(options: Options<TData, TProperty, TMethod>): Options<TData, TProperty, TMethod> {
  // 适老化 (services/textScale.ts): the page's root view carries the person's font scale as `textStyle`,
  // and `textClass` when the text is large enough that labels go above their fields.
  const withScale = options as {
    data?: Record<string, unknown>;
    lifetimes?: { attached?: (this: { setData(d: Record<string, unknown>): void }) => void };
  };
  withScale.data = { ...withScale.data, textStyle: textScaleStyle(), textClass: textScaleClass() };
  const attached = withScale.lifetimes?.attached;
  withScale.lifetimes = {
    ...withScale.lifetimes,
    attached(this: { setData(d: Record<string, unknown>): void }) {
      // Read again as each page opens: the person may have changed WeChat's font size meanwhile.
      this.setData({ textStyle: textScaleStyle(), textClass: textScaleClass() });
      attached?.call(this);
    },
  };
  const methods = (options as { methods?: Record<string, (...args: unknown[]) => unknown> }).methods;
  for (const [name, fn] of Object.entries(methods ?? {})) {
    methods![name] = function (this: unknown, ...args: unknown[]) {
      const result = fn.apply(this, args);
      return result instanceof Promise ? result.catch(report) : result;
    };
  }
  return options;
}
