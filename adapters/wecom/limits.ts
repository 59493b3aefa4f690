/**
 * Every WeCom limit the renderers obey, each with its source. "§n" = /work/shared/docs/platforms/wecom.md;
 * "doc N" = developer.work.weixin.qq.com/document/path/N.
 */
export const WECOM_LIMITS = {
  /** §8 table, §16.10: `[0-9A-Za-z_\-@]`, ≤ 128 bytes, unique per app (reuse → 42014). */
  taskIdBytes: 128,
  taskIdChar: /^[0-9A-Za-z_@-]$/,
  /** §8 `button_list` ≤ 6 (callback and url buttons together). */
  buttons: 6,
  /** §8 button / action_menu `key` ≤ 1024 bytes, unique. */
  keyBytes: 1024,
  /** §8 selectors: `question_key` ≤ 1024 bytes. */
  questionKeyBytes: 1024,
  /** §8 selectors: option `id` ≤ 128 bytes, unique. */
  optionIdBytes: 128,
  /** §8 `button_selection.option_list` 1–10. */
  buttonSelectionOptions: 10,
  /** §8 `checkbox.option_list` 1–20. */
  checkboxOptions: 20,
  /** §8 `select_list` ≤ 3, each 1–10 options. */
  selects: 3,
  selectOptions: 10,
  /** §8 lists: `horizontal_content_list` ≤ 6, `jump_list` ≤ 3, `vertical_content_list` ≤ 4. */
  horizontalFields: 6,
  jumpLinks: 3,
  verticalContent: 4,
  /** §8 table: `card_image.aspect_ratio` 1.3–2.25 (default 1.3). */
  cardImageAspect: { min: 1.3, max: 2.25 },
  /** §7 `touser` ≤ 1000 ids per message/send; §9 update `userids` ≤ 1000. */
  recipients: 1000,
  /** §7 text content ≤ 2048 bytes; §5 passive text reply likewise. */
  textBytes: 2048,
  /** §10 markdown ≤ 2048 bytes (app message). */
  markdownBytes: 2048,
  /** §12 smart bot markdown (response_url) and stream content ≤ 20 480 bytes. */
  botMarkdownBytes: 20_480,
  /**
   * Display lengths in characters (字) that doc 90236's field tables recommend ("建议不超过N个字"); not in the
   * shared docs, quoted from third-party copies of doc 90236 — unconfirmed. The client clips beyond them, so we
   * ellipsize one-line fields ourselves (the full text stays in the fallback text and the H5 page).
   */
  chars: {
    title: 26,
    titleDesc: 30,
    sourceDesc: 13,
    emphasisTitle: 10,
    emphasisDesc: 15,
    /** 112 in older copies of doc 90236, 160 in newer ones (SDK comments quoting it); we follow the newer. */
    subTitle: 160,
    /** doc 90236 `vertical_content_list.desc` 建议不超过112个字 (news_notice; `title` 建议不超过26个字, as `title` above). */
    verticalDesc: 112,
    keyname: 5,
    value: 26,
    jumpTitle: 13,
    buttonText: 10,
    optionText: 10,
  },
} as const;
