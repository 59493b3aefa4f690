import Router from '@koa/router';
import type { AppDeps } from '../deps.js';

const HELP_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>党建助手使用说明</title>
<style>body{font:16px/1.7 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;max-width:680px;margin:0 auto;padding:16px;color:#1f2328}h1{font-size:20px;color:#b71c1c}h2{font-size:17px;margin-top:24px}code{background:#f4f5f7;padding:1px 4px;border-radius:4px}</style>
</head><body>
<h1>党建助手使用说明</h1>
<p>党建助手在企业微信或钉钉里推送每月主题、学习清单和工作清单。点卡片上的按钮，或直接回复文字，都可以登记完成情况，不需要另外安装或登录任何应用。</p>
<h2>党员</h2>
<ul>
<li><code>我的任务</code>：查看自己的待办清单（清单里的每一项都有序号）。</li>
<li><code>完成 2</code>、<code>1、3 已学完</code>：登记第 1、3 项已完成；<code>全部完成</code>：登记全部。</li>
<li><code>第二项完成，心得：……</code>：登记完成并附上心得体会。</li>
<li><code>撤销</code>：撤销刚才的登记。</li>
<li><code>申请延期 2 到12月10日 理由……</code>：向支部书记申请延期。</li>
<li><code>少提醒</code>、<code>暂停提醒 3天</code>：减少非紧急提醒。</li>
</ul>
<h2>支部书记</h2>
<ul>
<li><code>支部进度</code>：查看本支部各项任务的完成情况（只显示数量，不公开点名）。</li>
<li>在群里 <code>@党建助手 开始互观互检 2026年第四季度</code>：发起互观互检；<code>@党建助手 打分进度</code>；<code>@党建助手 结束互观互检</code>。</li>
<li><code>我的评分表</code>：获取自己的评分表链接。</li>
</ul>
<h2>领导</h2>
<ul><li><code>今日简报</code>：随时查看今日简报。</li></ul>
<h2>减负承诺</h2>
<p>不打卡、不排名、不统计在线时长；提醒只发给责任人本人，夜间（21:00—次日 08:00）和休息日不打扰，每人每周非紧急推送有上限。</p>
</body></html>`;

/** The landing page and the public help page the help card links to (no personal data, so no signed link). */
export function homeRoutes(deps: AppDeps): Router {
  const router = new Router();
  router.get('/', (ctx) => {
    if (deps.config.sandbox && deps.config.demoMode) {
      ctx.redirect('/sandbox');
      return;
    }
    ctx.type = 'html';
    ctx.body = '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>党建助手</title></head><body><h1>党建助手</h1><p>服务运行中。<a href="/h5/help">使用说明</a></p></body></html>';
  });
  router.get('/h5/help', (ctx) => {
    ctx.type = 'html';
    ctx.body = HELP_PAGE;
  });
  return router;
}
