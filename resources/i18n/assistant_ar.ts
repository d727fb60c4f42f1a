<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
  <context>
    <name>Navigation</name>
    <message>
      <source>Assistant</source>
      <translation>المساعد</translation>
    </message>
  </context>
  <context>
    <name>Assistant</name>
    <message>
      <source>Assistant</source>
      <translation>المساعد</translation>
    </message>
    <message>
      <source>{step} (refused)</source>
      <translation>{step} (مرفوض)</translation>
    </message>
    <message>
      <source>Asking…</source>
      <translation>جارٍ السؤال…</translation>
    </message>
    <message>
      <source>Ask about the books, e.g. Who owes us the most?</source>
      <translation>اسأل عن الدفاتر، مثلًا: من أكثر من يدين لنا؟</translation>
    </message>
    <message>
      <source>Ask</source>
      <translation>اسأل</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>إلغاء</translation>
    </message>
    <message>
      <source>What it read:</source>
      <translation>ما قرأه:</translation>
    </message>
    <message>
      <source>Names never leave this desk: the question goes out with them replaced, and every number in the answer is checked against the books.</source>
      <translation>لا تغادر الأسماء هذا الجهاز: يُرسل السؤال بعد استبدالها، ويُطابَق كل رقم في الإجابة مع الدفاتر.</translation>
    </message>
    <message>
      <source>Hide sources</source>
      <translation>إخفاء المصادر</translation>
    </message>
    <message>
      <source>Show sources</source>
      <translation>إظهار المصادر</translation>
    </message>
    <message>
      <source>Verified: every number came from the books.</source>
      <translation>تم التحقق: كل رقم جاء من الدفاتر.</translation>
    </message>
    <message>
      <source>Unverified: {numbers} came from no tool's result; check them.</source>
      <translation>غير متحقق منه: {numbers} لم تأتِ من نتيجة أي أداة؛ تحقق منها.</translation>
    </message>
    <message>
      <source>(no tool was called)</source>
      <translation>(لم تُستدعَ أي أداة)</translation>
    </message>
    <message>
      <source>{model}: {input} tokens in, {output} out, {cost} {currency}.</source>
      <translation>‏{input} رمزًا داخلة و{output} خارجة، بتكلفة {cost} {currency} (النموذج: {model}).</translation>
    </message>
    <message>
      <source>This month's assistant budget is nearly spent.</source>
      <translation>ميزانية المساعد لهذا الشهر أوشكت على النفاد.</translation>
    </message>
    <message>
      <source>Asking the model…</source>
      <translation>جارٍ سؤال النموذج…</translation>
    </message>
    <message>
      <source>The model reads what the tools returned…</source>
      <translation>يقرأ النموذج ما أعادته الأدوات…</translation>
    </message>
    <message>
      <source>Answered.</source>
      <translation>تمت الإجابة.</translation>
    </message>
  </context>
</TS>
