<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
  <context>
    <name>Alerts</name>
    <message>
      <source>Failure</source>
      <translation>فشل</translation>
    </message>
    <message>
      <source>Warning</source>
      <translation>تحذير</translation>
    </message>
    <message>
      <source>{severity}: {title}</source>
      <translation>{severity}: {title}</translation>
    </message>
    <message>
      <source>Click to open its runbook.</source>
      <translation>انقر لفتح دليل التشغيل الخاص به.</translation>
    </message>
    <message>
      <source>Health alerts: {n}</source>
      <translation>تنبيهات السلامة: {n}</translation>
    </message>
  </context>
</TS>
