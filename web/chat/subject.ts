/**
 * Whether a message to a conversation whose video is done describes a new subject ("a lighthouse at dusk", 热气球飞过
 * 群山) rather than a change to that video ("make it square", "add piano music", 改成竖屏) or a question. NemoVideo
 * reads a new subject in an old project as an edit of its video, so the page offers a new video instead. English
 * and Chinese; free of zod, and of the page, so that the Worker can use the same rule.
 *
 * @example isNewSubject("a hot air balloon over mountains") // true
 * @example isNewSubject("make the title bigger") // false
 */
export function isNewSubject(message: string): boolean {
  const text = message.trim();
  if (NEW_VIDEO.test(text)) return true;
  if (QUESTION.test(text) || CHANGE.test(text)) return false;
  const cjk = text.match(/[\u3400-\u9fff]/g)?.length ?? 0;
  return cjk >= 4 || text.split(/\s+/).length >= 2;
}

/** Asking outright for another video: "make a video of…", "generate a new clip…", 生成一段…视频. */
const NEW_VIDEO = /\b(?:generate|create|make)\s+(?:a|an|another|a new)\s+(?:\S+\s+){0,3}?(?:video|clip|film)\b|(?:生成|制作|做).{0,12}?(?:视频|短片)/i;
/** A question or a greeting: the assistant answers it in the same conversation. */
const QUESTION = /^(?:what|how|why|can|could|do|does|is|are|hi|hello|thanks)\b|[?？吗]$|什么|怎么|你好|谢谢/i;
/** Words that change what is there: a verb of change, a part of the video, its shape, or a word pointing at it. */
const CHANGE =
  /\b(?:make|change|add|remove|replace|turn|set|use|trim|cut|extend|louder|quieter|volume|music|song|sound|title|text|colou?r|shorter|longer|faster|slower|bigger|smaller|instead|should|again|more|less|square|vertical|landscape|seconds?|it|this|that)\b|改|换|加|删|去掉|调|剪|音乐|标题|字|更|变|它|这|屏|方形|秒|再/i;
