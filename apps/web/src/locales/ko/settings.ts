export const settings = {
  title: '계정 설정',
  currentPassword: '현재 비밀번호',
  mailLanguage: {
    title: '메일 언어',
    label: '메일을 받을 언어',
    hint: 'Pingvas가 보내는 메일(인증, 영수증, 알림)의 언어입니다. 화면 언어는 위의 언어 메뉴에서 바꿉니다.',
    saved: '메일 언어를 저장했습니다.',
  },
  email: {
    title: '이메일 변경',
    current: '지금 이메일: {{email}}',
    pending: '{{email}}로 확인 메일을 보냈습니다. 메일의 링크를 열면 이 주소로 바뀝니다.',
    newEmail: '새 이메일',
    same: '지금 쓰는 이메일과 같습니다.',
    submit: '확인 메일 보내기',
  },
  export: {
    title: '내 데이터 내려받기',
    body: '계정 정보, 생성 기록과 설정, 크레딧 내역, 모든 이미지 파일을 zip 파일 하나로 준비합니다. 준비되면 내려받기 링크를 메일로 보내 드리며, 링크는 24시간 동안 쓸 수 있습니다.',
    submit: '데이터 내보내기 요청',
    requested: '요청을 받았습니다. 준비되면 메일로 링크를 보내 드립니다(24시간 동안 유효).',
  },
  delete: {
    title: '계정 삭제',
    body: '계정을 삭제하면 이미지, 보드, 생성 기록, API 키와 구독이 모두 지워지고 되돌릴 수 없습니다. 필요한 데이터는 먼저 내려받으세요.',
    open: '계정 삭제…',
    dialogTitle: '계정을 삭제할까요?',
    warning:
      '바로 로그아웃되고 모든 데이터가 지워집니다. 구독은 해지되며 남은 크레딧은 사라집니다.',
    phraseLabel: '확인을 위해 {{phrase}}을(를) 입력하세요',
    phraseHint: '입력한 내용이 이메일과 같아야 삭제 버튼이 켜집니다.',
    submit: '계정 영구 삭제',
  },
};

export const goodbye = {
  title: '계정을 삭제했습니다',
  body: '그동안 Pingvas를 써 주셔서 감사합니다. 모든 데이터는 곧 지워집니다.',
  mail: '삭제를 확인하는 메일을 보내 드립니다.',
  signUp: '새 계정 만들기',
};
