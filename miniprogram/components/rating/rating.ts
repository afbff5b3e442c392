/**
 * A 1–5 rating with its word (差, 较差, 一般, 良好, 优秀): the county rates 上云效果 and 服务商服务质量 in
 * every opinion (DESIGN.md). Emits `change` with {value}.
 */
import { page } from '../../services/page';
import { ratingLabel } from '../../logic/review';

/** Each star says what it gives (“良好”), so that a screen reader reads more than “★”. */
function stars(value: number): { value: number; on: boolean; word: string }[] {
  return [1, 2, 3, 4, 5].map((n) => ({ value: n, on: n <= value, word: ratingLabel(n) }));
}

Component(
  page({
    options: { addGlobalClass: true },
    properties: {
      label: { type: String, value: '' },
      value: { type: Number, value: 0 },
      disabled: { type: Boolean, value: false },
    },
    data: { stars: stars(0), text: ratingLabel(0) },
    observers: {
      value(value: number) {
        this.setData({ stars: stars(value), text: ratingLabel(value) });
      },
    },
    methods: {
      onPick(e: WechatMiniprogram.BaseEvent) {
        if (this.data.disabled) return;
        const value = Number(e.currentTarget.dataset.value);
        this.setData({ value, stars: stars(value), text: ratingLabel(value) });
        this.triggerEvent('change', { value });
      },
    },
  }),
);
