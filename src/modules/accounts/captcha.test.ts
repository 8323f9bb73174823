import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { answerQuestion } from '../../../test/captcha.js'
import { foldAnswer, newQuestion } from './captcha-questions.js'
import { QUESTIONS_PER_ADDRESS } from './captcha.js'

const t = useTestApp()

test('the text alternative: no arithmetic, many kinds and phrasings, answers read as a person writes them', () => {
  const shapes = new Set<string>()
  for (let i = 0; i < 2000; i++) {
    const q = newQuestion()
    assert.doesNotMatch(q.text, /cộng|trừ|nhân|chia|bằng bao nhiêu|[+*=]/, q.text)
    assert.ok(q.answers.length > 0 && q.answers.every(a => a === foldAnswer(a) && a.length > 0), q.text)
    // Each question has one right answer, found from its words by whoever knows them.
    assert.ok(q.answers.includes(foldAnswer(answerQuestion(q.text))), `${q.text} → ${answerQuestion(q.text)} not in ${q.answers.join('|')}`)
    // The shape of a question: its words without what varies (the words listed, quoted and named).
    shapes.add(q.text.replace(/“[^”]*”/g, '…').replace(/:.*$/, '').replace(/(tháng|thứ|là) [A-ZĐa-zà-ỹ]+( [A-ZĐa-zà-ỹ]+)?/g, '…').replace(/(chỉ|là|ngày|từ) (một|tên) .*$/, '…'))
  }
  assert.ok(shapes.size >= 12, `${shapes.size} shapes of question`)
  assert.equal(foldAnswer('  Dưa  hấu! '), 'dua hau')
})

test('a question is answered as a person would, with or without diacritics; a wrong answer spends it', async () => {
  for (let i = 0; i < 30; i++) {
    const c = await t.services.captcha.create(true, `203.0.113.${i}`)
    assert.ok(c.question)
    const answer = (await t.services.captcha.answer(c.id))!
    await t.services.captcha.verify(c.id, answer.toUpperCase())
  }
  // A question about a saying is answered with the word as written in it, diacritics and all.
  let c = await t.services.captcha.create(true, '203.0.113.200')
  for (let i = 0; !/câu/.test(c.question ?? ''); i++) c = await t.services.captcha.create(true, `198.18.0.${i % 250}`)
  const word = /từ (đầu tiên|thứ hai|thứ ba|cuối cùng)/.exec(c.question!)![1]!
  const words = /“([^”]+)”/.exec(c.question!)![1]!.split(' ')
  const expected = { 'đầu tiên': words[0], 'thứ hai': words[1], 'thứ ba': words[2], 'cuối cùng': words[words.length - 1] }[word]!
  await t.services.captcha.verify(c.id, ` ${expected}. `)
  const wrong = await t.services.captcha.create(true, '203.0.113.202')
  await assert.rejects(t.services.captcha.verify(wrong.id, 'không biết'), (err: { fields?: Array<{ message: string }> }) => /Câu trả lời chưa đúng/.test(err.fields![0]!.message))
  await assert.rejects(t.services.captcha.verify(wrong.id, (await t.services.captcha.answer(wrong.id))!), /captcha/, 'spent')
})

test('one address gets a limited run of questions, then the image with the time to try again', async () => {
  const ip = '203.0.113.99'
  for (let i = 0; i < QUESTIONS_PER_ADDRESS; i++) assert.ok((await t.services.captcha.create(true, ip)).question)
  const limited = await t.services.captcha.create(true, ip)
  assert.equal(limited.question, null)
  assert.match(limited.notice!, /yêu cầu nhiều câu hỏi thay thế\. Hãy thử lại sau \d\d:\d\d ngày/)
  assert.ok((await t.services.captcha.create(true, '203.0.113.98')).question, 'another address is not affected')
  const page = await t.app.inject({ url: '/dang-nhap?cau-hoi=1', remoteAddress: ip })
  assert.match(page.body, /<img class="captcha"/)
  assert.match(page.body, /yêu cầu nhiều câu hỏi thay thế/)
})
