import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fromVnpDate, orderInfo, paymentUrl, refundBody, signedQuery, signParams, verifyParams, verifyRefund, vnpDate } from './vnpay.js'

// Vectors computed independently of this code, with
//   printf '%s' "$STRING" | openssl dgst -sha512 -hmac "$SECRET"
const SECRET = 'SECRETKEYFORTESTSONLY0123456789AB'
const PAY_STRING = 'vnp_Amount=23000000&vnp_Command=pay&vnp_CreateDate=20261122143000&vnp_CurrCode=VND&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+phi+ho+so+000.01.11.H34-261122-0001&vnp_OrderType=other&vnp_ReturnUrl=http%3A%2F%2Flocalhost%3A3000%2Fthanh-toan%2Fvnpay%2Fket-qua&vnp_TmnCode=MCTEST01&vnp_TxnRef=P000000123&vnp_Version=2.1.0'
const PAY_HASH = 'a58e20d29dcba29dd8469a1868bfa5f3ef289f4a15bfcbdd10365fb1b606ca1e6580c1afd7db00073b9b36f27ea9bc0e010f26d1b72f0c3004a251688bf472b5'
const IPN_STRING = 'vnp_Amount=23000000&vnp_BankCode=NCB&vnp_BankTranNo=VNP14226112&vnp_CardType=ATM&vnp_OrderInfo=Thanh+toan+phi+ho+so+000.01.11.H34-261122-0001&vnp_PayDate=20261122143512&vnp_ResponseCode=00&vnp_TmnCode=MCTEST01&vnp_TransactionNo=14226112&vnp_TransactionStatus=00&vnp_TxnRef=P000000123'
const IPN_HASH = 'b805c04fbfa3003052731394aecf61c8c66c5996f713493745c7c861f5ea4a7eafe571a6782107132017dbc69a24b532e6cf539ecb568f6f872ea597cd12782d'

test('the payment URL is signed as VNPay 2.1.0 signs it (vector from openssl)', () => {
  const url = paymentUrl({
    tmnCode: 'MCTEST01', secret: SECRET, paymentUrl: 'https://sandbox.example/paymentv2/vpcpay.html', txnRef: 'P000000123', amountVnd: 230000,
    info: 'Thanh toán phí hồ sơ 000.01.11.H34-261122-0001', returnUrl: 'http://localhost:3000/thanh-toan/vnpay/ket-qua', ipAddr: '127.0.0.1',
    createdAt: new Date('2026-11-22T07:30:00Z'), expiresAt: new Date('2026-11-22T07:30:00Z')
  })
  const query = url.split('?')[1]!
  // vnp_ExpireDate is signed too; check the vector on the parameters it covers.
  const params = Object.fromEntries(new URLSearchParams(query))
  delete params['vnp_ExpireDate']
  delete params['vnp_SecureHash']
  assert.equal(signedQuery(params), PAY_STRING)
  assert.equal(signParams(SECRET, params), `${PAY_STRING}&vnp_SecureHash=${PAY_HASH}`)
  assert.ok(verifyParams(SECRET, Object.fromEntries(new URLSearchParams(query))))
})

test('an IPN is verified against the vector; any change to it or to the secret fails', () => {
  const query = Object.fromEntries(new URLSearchParams(`${IPN_STRING}&vnp_SecureHashType=HmacSHA512&vnp_SecureHash=${IPN_HASH}`))
  assert.ok(verifyParams(SECRET, query))
  assert.ok(verifyParams(SECRET, { ...query, vnp_SecureHash: IPN_HASH.toUpperCase() }))
  assert.equal(verifyParams(SECRET, { ...query, vnp_Amount: '23000001' }), false)
  assert.equal(verifyParams('another secret', query), false)
  assert.equal(verifyParams(SECRET, { ...query, vnp_SecureHash: 'zz' }), false)
  assert.equal(verifyParams(SECRET, { ...query, vnp_SecureHash: undefined }), false)
})

test('dates are GMT+7 and order info is plain ASCII', () => {
  assert.equal(vnpDate(new Date('2026-12-31T17:30:05Z')), '20270101003005')
  assert.equal(fromVnpDate('20270101003005')!.toISOString(), '2026-12-31T17:30:05.000Z')
  assert.equal(fromVnpDate('2027'), undefined)
  assert.equal(orderInfo('Thanh toán lệ phí – Đăng ký xe (hồ sơ #12)'), 'Thanh toan le phi Dang ky xe ho so 12')
})

test('a refund request is signed over its fields joined by | in the order of the protocol (vector from openssl)', () => {
  // printf '%s' 'vnp_R1|2.1.0|refund|MCTEST01|02|P000000123|23000000|14226112|20261122143512|Nguyen Van Can Bo|20261125090000|127.0.0.1|Hoan phi ho so 000.01.11.H34-261122-0001' | openssl dgst -sha512 -hmac "$SECRET"
  const body = refundBody({
    secret: SECRET, tmnCode: 'MCTEST01', txnRef: 'P000000123', amountVnd: 230000, full: true, transactionNo: '14226112', transactionDate: '20261122143512',
    createdBy: 'Nguyen Van Can Bo', orderInfo: 'Hoan phi ho so 000.01.11.H34-261122-0001', ipAddr: '127.0.0.1', requestId: 'vnp_R1', now: new Date('2026-11-25T02:00:00Z')
  })
  assert.equal(body['vnp_SecureHash'], '6b0d73a0331ac948cdca864423c4a061969159a33902efeb270fa3629a228478e77a912195a7000dabab0ab660902115bd3f51d423d7d3c2aec9004e09e9b67c')
  assert.equal(body['vnp_TransactionType'], '02')
  assert.ok(verifyRefund(SECRET, body))
  assert.equal(verifyRefund(SECRET, { ...body, vnp_Amount: '2300000' }), false)
})
