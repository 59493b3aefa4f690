import busboy from 'busboy';
import type { Context } from 'koa';
import { AppError, ValidationError } from '../errors.js';
import { storableText } from '../http/read-body.js';

/** One uploaded file of a multipart form, whole in memory (imports are small documents). */
export interface UploadedFile {
  field: string;
  filename: string;
  mimeType: string;
  data: Buffer;
}

/** A posted form: every value of every field (in order), and the files. */
export class FormData {
  constructor(
    private readonly fields: ReadonlyMap<string, readonly string[]>,
    readonly files: readonly UploadedFile[],
  ) {}
  /** The field's first value, trimmed; '' when absent. */
  get(name: string): string {
    return (this.fields.get(name)?.[0] ?? '').trim();
  }
  /** Every value of a field (checkbox groups, repeated inputs), untrimmed. */
  all(name: string): readonly string[] {
    return this.fields.get(name) ?? [];
  }
  has(name: string): boolean {
    return this.fields.has(name);
  }
  file(field: string): UploadedFile | undefined {
    return this.files.find((f) => f.field === field);
  }
  names(): string[] {
    return [...this.fields.keys()];
  }
}

/** Largest accepted upload (an org .xlsx or a 工作要点 .docx is well under this). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const MAX_FIELDS_BYTES = 1024 * 1024;

const tooLarge = (): AppError => new AppError(`文件过大：上传的文件不能超过 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB。`, { status: 413, code: 'too_large' });

/**
 * Parses a POST body: application/x-www-form-urlencoded or multipart/form-data (file uploads). A field holding
 * NUL or a lone UTF-16 surrogate is refused here (400), once for every form: PostgreSQL cannot store them, and
 * no person types them.
 */
export async function readForm(ctx: Context): Promise<FormData> {
  const type = ctx.get('content-type').toLowerCase();
  let form: FormData;
  if (type.startsWith('multipart/form-data')) form = await readMultipart(ctx);
  else if (type === '' || type.startsWith('application/x-www-form-urlencoded')) form = await readUrlEncoded(ctx);
  else throw new ValidationError('无法识别的表单格式。');
  for (const name of form.names()) {
    if (!storableText(name) || form.all(name).some((v) => !storableText(v))) throw new ValidationError('提交的内容含有无法保存的字符（如 NUL），请检查后重新输入。');
  }
  return form;
}

async function readUrlEncoded(ctx: Context): Promise<FormData> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FIELDS_BYTES) throw new AppError('提交的内容过长。', { status: 413, code: 'too_large' });
    chunks.push(chunk);
  }
  const fields = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) fields.set(k, [...(fields.get(k) ?? []), v]);
  return new FormData(fields, []);
}

function readMultipart(ctx: Context): Promise<FormData> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: ctx.req.headers, limits: { fileSize: MAX_UPLOAD_BYTES, files: 5, fields: 500, fieldSize: MAX_FIELDS_BYTES }, defParamCharset: 'utf8' });
    } catch {
      reject(new ValidationError('表单格式有误。'));
      return;
    }
    const fields = new Map<string, string[]>();
    const files: UploadedFile[] = [];
    let failed: Error | undefined;
    bb.on('field', (name, value) => fields.set(name, [...(fields.get(name) ?? []), value]));
    bb.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        failed = tooLarge();
      });
      // A body cut off mid-file destroys the file stream with busboy's error (also reported on bb): without a listener it is uncaught.
      stream.on('error', () => undefined);
      stream.on('end', () => {
        // An empty file input still sends a part with no name and no bytes: that is "no file chosen".
        if (info.filename || chunks.length > 0) files.push({ field, filename: info.filename ?? '', mimeType: info.mimeType, data: Buffer.concat(chunks) });
      });
    });
    bb.on('error', () => reject(new ValidationError('表单上传中断或格式有误，请重试。')));
    bb.on('close', () => (failed ? reject(failed) : resolve(new FormData(fields, files))));
    ctx.req.pipe(bb);
  });
}
