export const auth = {
  signInTitle: '로그인',
  signUpTitle: '회원가입',
  signIn: '로그인',
  signUp: '회원가입',
  signOut: '로그아웃',
  email: '이메일',
  password: '비밀번호',
  displayName: '이름 (선택)',
  displayNameTooLong: '이름은 100자까지 쓸 수 있습니다.',
  emailRequired: '이메일을 입력하세요.',
  emailInvalid: '이메일 형식이 올바르지 않습니다.',
  passwordRequired: '비밀번호를 입력하세요.',
  passwordRule: '10자 이상 256자 이하로 정하세요.',
  noAccount: '계정이 없으신가요?',
  haveAccount: '이미 계정이 있으신가요?',
  reusedNotice:
    '이미 사용된 로그인 정보가 다시 쓰여 보안을 위해 로그아웃했습니다. 다시 로그인하세요.',
  expiredNotice: '로그인이 만료되었습니다. 다시 로그인하세요.',
  forgotPassword: '비밀번호를 잊으셨나요?',
};

export const forgotPassword = {
  title: '비밀번호 재설정',
  intro: '가입한 이메일을 입력하면 비밀번호를 새로 정하는 링크를 보내 드립니다.',
  submit: '재설정 링크 보내기',
  sent: '{{email}}로 가입된 계정이 있다면 비밀번호 재설정 메일을 보냈습니다.',
  sentHint: '링크는 1시간 동안, 한 번만 쓸 수 있습니다. 메일이 없으면 스팸함도 확인하세요.',
  back: '로그인으로 돌아가기',
};

export const resetPassword = {
  title: '새 비밀번호 정하기',
  newPassword: '새 비밀번호',
  submit: '비밀번호 바꾸기',
  done: '비밀번호를 바꿨습니다. 모든 기기에서 로그아웃되었으니 새 비밀번호로 로그인하세요.',
  expired: '재설정 링크가 만료되었습니다. 링크는 1시간 동안만 쓸 수 있습니다.',
  invalid: '재설정 링크가 올바르지 않거나 이미 사용되었습니다.',
  again: '재설정 링크 다시 받기',
};

export const verifyEmail = {
  title: '이메일 인증',
  checking: '인증하는 중…',
  doneTitle: '이메일을 인증했습니다',
  done: '{{email}} 주소를 인증했습니다. 이제 플랜 결제와 API 키를 쓸 수 있습니다.',
  expiredTitle: '인증 링크가 만료되었습니다',
  expired: '인증 링크는 24시간 동안만 쓸 수 있습니다. 새 링크를 받으세요.',
  invalidTitle: '인증 링크를 쓸 수 없습니다',
  invalid: '인증 링크가 올바르지 않거나 이미 사용되었습니다.',
  signInToResend: '로그인하면 인증 메일을 다시 받을 수 있습니다.',
  toApp: 'Pingvas로 가기',
  resend: '인증 메일 다시 보내기',
  resent: '인증 메일을 다시 보냈습니다. 메일함을 확인하세요.',
  bannerLabel: '이메일 인증 안내',
  bannerTitle: '{{email}} 주소를 인증해 주세요.',
  bannerBody:
    '메일의 링크를 열면 인증됩니다. 플랜 결제와 API 키 만들기는 인증한 뒤에 쓸 수 있습니다.',
};
