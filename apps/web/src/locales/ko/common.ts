export const app = { name: 'Pingvas', tagline: '한국어로 쓰고, 바로 그리는 AI 이미지 스튜디오' };

export const common = {
  loading: '불러오는 중…',
  close: '닫기',
  reload: '다시 불러오기',
  cancel: '취소',
  save: '저장',
  delete: '삭제',
  confirm: '확인',
  loadMore: '더 보기',
  copy: '복사',
  copied: '복사했습니다',
  yes: '예',
  no: '아니요',
  none: '없음',
};

export const nav = {
  label: '주 메뉴',
  skip: '본문으로 건너뛰기',
  generate: '생성',
  gallery: '갤러리',
  search: '검색',
  queue: '대기열',
  credits: '크레딧',
  apiKeys: 'API 키',
  settings: '계정',
  admin: '관리자',
};

export const prefs = {
  language: '언어',
  languages: { ko: '한국어', en: 'English' },
  theme: '화면 테마',
  themes: { system: '시스템 설정', light: '밝게', dark: '어둡게' },
};

export const errors = {
  generic: '요청을 처리하지 못했습니다. 잠시 후 다시 시도하세요.',
  screenTitle: '화면을 불러오지 못했습니다',
  screenBody: '새 버전이 배포되었거나 연결이 끊겼을 수 있습니다.',
  NETWORK: '서버에 연결할 수 없습니다. 네트워크를 확인하세요.',
  VALIDATION_FAILED: '입력한 값을 다시 확인하세요.',
  WEAK_PASSWORD: '비밀번호는 10자 이상 256자 이하여야 합니다.',
  UNAUTHORIZED: '로그인이 필요합니다.',
  INVALID_CREDENTIALS: '이메일 또는 비밀번호가 올바르지 않습니다.',
  INVALID_REFRESH_TOKEN: '로그인이 만료되었습니다. 다시 로그인하세요.',
  REFRESH_REUSED: '보안을 위해 로그아웃했습니다. 다시 로그인하세요.',
  INSUFFICIENT_CREDITS: '크레딧이 부족합니다.',
  FORBIDDEN: '이 작업을 할 권한이 없습니다.',
  MODEL_TIER_FORBIDDEN: '현재 플랜에서는 이 모델을 쓸 수 없습니다.',
  NOT_FOUND: '찾을 수 없습니다.',
  MODEL_NOT_FOUND: '모델을 찾을 수 없습니다.',
  BOARD_NOT_FOUND: '보드를 찾을 수 없습니다.',
  EMAIL_TAKEN: '이미 가입된 이메일입니다.',
  ALREADY_FINISHED: '이미 끝난 작업입니다.',
  MODEL_DISABLED: '사용이 중지된 모델입니다.',
  BOARD_NAME_TAKEN: '같은 이름의 보드가 이미 있습니다.',
  BAD_MODEL_PATH: '모델 경로가 올바르지 않습니다.',
  IDEMPOTENCY_MISMATCH: '같은 요청 키로 다른 요청을 보냈습니다.',
  RATE_LIMITED: '요청이 너무 많습니다. 잠시 후 다시 시도하세요.',
  TOO_MANY_JOBS: '진행 중인 작업이 플랜 한도에 이르렀습니다. 끝난 뒤 다시 시도하세요.',
  UPSTREAM_UNAVAILABLE: '서비스가 잠시 응답하지 않습니다. 잠시 후 다시 시도하세요.',
  BILLING_UNAVAILABLE: '지금은 결제를 진행할 수 없습니다.',
  PAYLOAD_TOO_LARGE: '보낸 내용이 너무 큽니다.',
  TOKEN_INVALID: '링크가 올바르지 않거나 이미 사용되었습니다.',
  TOKEN_EXPIRED: '링크가 만료되었습니다.',
  EMAIL_NOT_VERIFIED:
    '이메일 인증이 필요합니다. 플랜 결제와 API 키는 메일의 링크로 주소를 인증한 뒤에 쓸 수 있습니다.',
  EMAIL_ALREADY_VERIFIED: '이미 인증된 이메일입니다.',
  WRONG_PASSWORD: '비밀번호가 올바르지 않습니다.',
  EXPORT_IN_PROGRESS: '데이터를 이미 준비하고 있습니다. 준비되면 메일로 링크를 보내 드립니다.',
  NO_SUBSCRIPTION: '구독이 없습니다.',
  NOT_CANCELLED: '해지 예정인 구독이 아닙니다.',
  SAME_PLAN: '이미 사용 중인 플랜입니다.',
};

export const notFound = {
  title: '찾을 수 없습니다',
  body: '주소가 잘못되었거나, 삭제되었거나, 볼 수 없는 항목입니다.',
  home: '생성 화면으로',
};
