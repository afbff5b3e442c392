/** The ten county-level divisions of today's Yichun (DESIGN.md, "Who uses it"; GB/T 2260). */
export const YICHUN_COUNTIES = [
  { code: '230717', name: '伊美区' },
  { code: '230718', name: '乌翠区' },
  { code: '230719', name: '友好区' },
  { code: '230722', name: '嘉荫县' },
  { code: '230723', name: '汤旺县' },
  { code: '230724', name: '丰林县' },
  { code: '230725', name: '大箐山县' },
  { code: '230726', name: '南岔县' },
  { code: '230751', name: '金林区' },
  { code: '230781', name: '铁力市' },
] as const;
