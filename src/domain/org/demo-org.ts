import type { RawRow } from './types.js';

/** The demo organisation: a fictional department's 机关党委 with five branches (sandbox demos, seed-demo). */
export const DEMO_COMMITTEE_NAME = '某某厅机关党委';

export const DEMO_BRANCHES = [
  '第一党支部（办公室）',
  '第二党支部（政策法规处）',
  '第三党支部（规划财务处）',
  '第四党支部（综合业务处）',
  '第五党支部（机关服务中心）',
] as const;

export const DEMO_HEADERS = ['姓名', '所在单位/支部', '党小组', '角色', '企业微信账号', '钉钉账号', '分管范围'] as const;

type DemoPerson = [name: string, account: string, unit: string, group: string, roles: string, scope?: string];

const [B1, B2, B3, B4, B5] = DEMO_BRANCHES;
const G1 = '第一党小组';
const G2 = '第二党小组';

// Accounts are pinyin; DingTalk ones carry a dt_ prefix so a log line shows which platform an id is from.
const PEOPLE: DemoPerson[] = [
  ['刘建国', 'liujianguo', DEMO_COMMITTEE_NAME, '', '党员、领导'],
  ['周晓燕', 'zhouxiaoyan', DEMO_COMMITTEE_NAME, '', '党员、党务干部'],
  ['王海峰', 'wanghaifeng', B1, '', '党员、支部书记'],
  ['李秀梅', 'lixiumei', B1, G1, '党员、支部委员'],
  ['张伟', 'zhangwei', B1, G1, '党员'],
  ['赵丽娟', 'zhaolijuan', B1, G1, '党员'],
  ['孙浩', 'sunhao', B1, G1, '党员'],
  ['周敏', 'zhoumin', B1, G2, '党员、支部委员'],
  ['吴磊', 'wulei', B1, G2, '党员'],
  ['郑晓东', 'zhengxiaodong', B1, G2, '党员'],
  ['冯静', 'fengjing', B1, G2, '党员'],
  ['何建华', 'hejianhua', B2, '', '党员、支部书记'],
  ['罗雪', 'luoxue', B2, '', '党员、支部委员'],
  ['高明', 'gaoming', B2, '', '党员'],
  ['林芳', 'linfang', B2, '', '党员'],
  ['郭宇', 'guoyu', B2, '', '党员'],
  ['马丽', 'mali', B2, '', '党员'],
  ['胡军', 'hujun', B2, '', '党员'],
  ['陈志远', 'chenzhiyuan', B2, '', '党员、分管领导', `${B2}、${B3}`],
  ['徐红', 'xuhong', B3, '', '党员、支部书记'],
  ['朱振国', 'zhuzhenguo', B3, '', '党员、支部委员'],
  ['黄婷', 'huangting', B3, '', '党员、支部委员'],
  ['杨帆', 'yangfan', B3, '', '党员'],
  ['宋佳', 'songjia', B3, '', '党员'],
  ['唐文斌', 'tangwenbin', B3, '', '党员'],
  ['韩雪梅', 'hanxuemei', B3, '', '党员'],
  ['曹立新', 'caolixin', B4, '', '党员、支部书记'],
  ['邓丽', 'dengli', B4, G1, '党员、支部委员'],
  ['许国强', 'xuguoqiang', B4, G1, '党员'],
  ['傅雅琴', 'fuyaqin', B4, G1, '党员'],
  ['沈晨', 'shenchen', B4, G1, '党员'],
  ['曾凡', 'zengfan', B4, G2, '党员、支部委员'],
  ['彭博', 'pengbo', B4, G2, '党员'],
  ['吕晓燕', 'lvxiaoyan', B4, G2, '党员'],
  ['苏伟', 'suwei', B4, G2, '党员'],
  ['蒋红梅', 'jianghongmei', B5, '', '党员、支部书记'],
  ['蔡建军', 'caijianjun', B5, '', '党员、支部委员'],
  ['贾明亮', 'jiamingliang', B5, '', '党员'],
  ['丁玲', 'dingling', B5, '', '党员'],
  ['魏强', 'weiqiang', B5, '', '党员'],
  ['薛芳', 'xuefang', B5, '', '党员'],
];

/** The demo organisation as import rows (row 1 is the header), ready for importOrg. */
export function demoOrgRows(): RawRow[] {
  return PEOPLE.map(([name, account, unit, group, roles, scope], i) => ({
    rowNumber: i + 2,
    values: {
      姓名: name,
      '所在单位/支部': unit,
      党小组: group,
      角色: roles,
      企业微信账号: account,
      钉钉账号: `dt_${account}`,
      分管范围: scope ?? '',
    },
  }));
}
