<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ApprovalDialog</name>
    <message>
        <source>Manager approval</source>
        <translation>经理授权</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>经理</translation>
    </message>
    <message>
        <source>Manager&apos;s PIN</source>
        <translation>经理 PIN</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Give the reason.</source>
        <translation>请填写原因。</translation>
    </message>
</context>
<context>
    <name>ClaimsBox</name>
    <message>
        <source>Manufacturer&apos;s answers</source>
        <translation>厂商核查答复</translation>
    </message>
    <message>
        <source>Excel workbook (XLSX)</source>
        <translation>Excel 工作簿（XLSX）</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>E&amp;xport pending serials…</source>
        <translation>导出待确认序列号(&amp;X)…</translation>
    </message>
    <message>
        <source>&amp;Import answers…</source>
        <translation>导入答复(&amp;I)…</translation>
    </message>
    <message>
        <source>Export pending serials</source>
        <translation>导出待确认序列号</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Import the manufacturer&apos;s answers</source>
        <translation>导入厂商答复</translation>
    </message>
    <message>
        <source>Answer files (*.xlsx *.csv)</source>
        <translation>答复文件 (*.xlsx *.csv)</translation>
    </message>
    <message>
        <source>Import answers</source>
        <translation>导入答复</translation>
    </message>
    <message>
        <source>Apply the matched answers now?</source>
        <translation>现在写入可匹配的答复吗？</translation>
    </message>
    <message>
        <source>Applying the manufacturer&apos;s answers needs a manager.</source>
        <translation>写入厂商答复需要店长批准。</translation>
    </message>
</context>
<context>
    <name>CounterPage</name>
    <message>
        <source>READ-ONLY DATABASE: look-ups work, but no return can be saved. The file or its folder cannot be written (%1). Tell the manager; close Returns Desk and fix the permissions or the disk.</source>
        <translation>数据库为只读：可以查询，但无法保存任何退货。该文件或其所在文件夹不可写（%1）。请告知经理，关闭 Returns Desk 并修复文件权限或磁盘问题。</translation>
    </message>
    <message>
        <source>&amp;Model number</source>
        <translation>型号(&amp;M)</translation>
    </message>
    <message>
        <source>Type or scan the model number, e.g. A1257</source>
        <translation>输入或扫描型号，例如 A1257</translation>
    </message>
    <message>
        <source>Did you mean (↓ then Enter):</source>
        <translation>您要找的是不是（按 ↓ 再按回车）：</translation>
    </message>
    <message>
        <source>Customer told — log the enquiry (F8)</source>
        <translation>已告知顾客 — 记录咨询 (F8)</translation>
    </message>
    <message>
        <source>Not affected: record that the customer asked and was told (F8)</source>
        <translation>不在召回范围：记录顾客来询问并已告知 (F8)</translation>
    </message>
    <message>
        <source>Identify the unit</source>
        <translation>核对产品信息</translation>
    </message>
    <message>
        <source>as printed on the label, e.g. C14-P6</source>
        <translation>按标签上印的填写，例如 C14-P6</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>年-月-日，例如 2024-05-18</translation>
    </message>
    <message>
        <source>next to “SN” on the unit</source>
        <translation>产品上“SN”后面的编号</translation>
    </message>
    <message>
        <source>Use the corrected serial (F4)</source>
        <translation>使用更正后的序列号（F4）</translation>
    </message>
    <message>
        <source>&amp;Batch code</source>
        <translation>批次号(&amp;B)</translation>
    </message>
    <message>
        <source>Manufacture &amp;date</source>
        <translation>生产日期(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Serial number</source>
        <translation>序列号(&amp;S)</translation>
    </message>
    <message>
        <source>Take the unit safely, then record the return</source>
        <translation>先安全接收产品，再登记退货</translation>
    </message>
    <message>
        <source>— look at the unit and choose —</source>
        <translation>— 请先查看产品，再选择 —</translation>
    </message>
    <message>
        <source>C&amp;ondition</source>
        <translation>产品状况(&amp;O)</translation>
    </message>
    <message>
        <source>I have &amp;isolated the unit as shown above</source>
        <translation>我已按上述要求隔离该产品(&amp;I)</translation>
    </message>
    <message>
        <source>Record the hazard incident (F9)</source>
        <translation>记录危险事件 (F9)</translation>
    </message>
    <message>
        <source>What was done:</source>
        <translation>采取的措施：</translation>
    </message>
    <message>
        <source>&amp;Remedy</source>
        <translation>处理方式(&amp;R)</translation>
    </message>
    <message>
        <source>from the receipt, e.g. 149.00</source>
        <translation>按小票金额填写，例如 149.00</translation>
    </message>
    <message>
        <source>&amp;Amount</source>
        <translation>金额(&amp;A)</translation>
    </message>
    <message>
        <source>Re&amp;placement model</source>
        <translation>换货型号(&amp;P)</translation>
    </message>
    <message>
        <source>receipt or order number (optional)</source>
        <translation>小票号或订单号（选填）</translation>
    </message>
    <message>
        <source>Proo&amp;f of purchase</source>
        <translation>购买凭证(&amp;F)</translation>
    </message>
    <message>
        <source>optional phone or e-mail; shown masked</source>
        <translation>选填：手机号或邮箱，显示时部分隐藏</translation>
    </message>
    <message>
        <source>Customer con&amp;tact</source>
        <translation>顾客联系方式(&amp;T)</translation>
    </message>
    <message>
        <source>Enter here saves</source>
        <translation>在此按回车即保存</translation>
    </message>
    <message>
        <source>&amp;Notes</source>
        <translation>备注(&amp;N)</translation>
    </message>
    <message>
        <source>Save return (Ctrl+S)</source>
        <translation>保存退货（Ctrl+S）</translation>
    </message>
    <message>
        <source>&amp;Print slip (Ctrl+P)…</source>
        <translation>打印退货单(&amp;P) (Ctrl+P)…</translation>
    </message>
    <message>
        <source>Bag la&amp;bel…</source>
        <translation>袋装标签(&amp;B)…</translation>
    </message>
    <message>
        <source>Type or scan a model number</source>
        <translation>请输入或扫描型号</translation>
    </message>
    <message>
        <source>It could be (Alt+1…9, or ↓ then Enter):</source>
        <translation>可能是以下型号（Alt+1…9，或按 ↓ 再按回车）：</translation>
    </message>
    <message>
        <source>Use %1 (F4)</source>
        <translation>改用 %1（F4）</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>, </source>
        <comment>list separator</comment>
        <translation>、</translation>
    </message>
    <message>
        <source>Authority</source>
        <translation>发布机构</translation>
    </message>
    <message>
        <source>Announced</source>
        <translation>公告日期</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>涉及数量</translation>
    </message>
    <message>
        <source>Cause and hazard</source>
        <translation>原因及危害</translation>
    </message>
    <message>
        <source>Remedies allowed</source>
        <translation>可选处理方式</translation>
    </message>
    <message>
        <source>Manufacturer claim route</source>
        <translation>厂家索赔途径</translation>
    </message>
    <message>
        <source>What the notice says to do with the unit</source>
        <translation>公告对产品的处理要求</translation>
    </message>
    <message>
        <source>Confirmation</source>
        <translation>确认方式</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>信息可信度</translation>
    </message>
    <message>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>中</translation>
    </message>
    <message>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>Serial already returned on ticket %1: a manager override is needed.</source>
        <translation>该序列号已在单号 %1 退过货，需经理授权。</translation>
    </message>
    <message>
        <source>Look at the unit before anything else: is it hot, smoking, swollen, leaking, burnt or damaged?</source>
        <translation>请先查看产品：是否发热、冒烟、鼓包、漏液、烧焦或损坏？</translation>
    </message>
    <message>
        <source>&lt;b&gt;STOP — HOT OR SMOKING UNIT&lt;/b&gt;&lt;br&gt;Do not touch or pick it up. Move people away. Follow the store&apos;s fire procedure and call emergency services if it smokes or burns. The return cannot continue. When the unit has cooled and is safe to handle, choose its condition again.</source>
        <translation>&lt;b&gt;停止 — 产品发热或冒烟&lt;/b&gt;&lt;br&gt;不要触碰或拿起产品。疏散周围人员。按门店消防程序处理；如冒烟或起火，立即拨打 119。退货不能继续。待产品冷却、可以安全拿取后，再重新选择产品状况。</translation>
    </message>
    <message>
        <source>&lt;b&gt;RECALLED UNIT — ISOLATE IT&lt;/b&gt;&lt;br&gt;Do not charge or test it. Tape over the ports. Bag it on its own and put the bag label on it (RECALLED — DO NOT SELL). Put it in the recall quarantine bin — never back to stock, never in the customer battery-recycling box.</source>
        <translation>&lt;b&gt;召回产品 — 立即隔离&lt;/b&gt;&lt;br&gt;不要充电或测试。用胶带封住接口。单独装袋并贴上袋标（召回产品 — 禁止销售）。放入召回隔离箱 — 切勿放回库存，也不要放进顾客电池回收箱。</translation>
    </message>
    <message>
        <source>&lt;b&gt;DAMAGED BATTERY&lt;/b&gt;&lt;br&gt;Wear gloves. Put the unit in the fire-safe container with sand or other non-combustible material, away from other batteries and metal. Do not charge or test it. Tell the manager.</source>
        <translation>&lt;b&gt;电池已损坏&lt;/b&gt;&lt;br&gt;戴上手套。将产品放入装有沙子或其他不燃材料的防火容器，远离其他电池和金属物品。不要充电或测试。立即告知经理。</translation>
    </message>
    <message>
        <source>max %1</source>
        <translation>上限 %1</translation>
    </message>
    <message>
        <source>%1 · no published limit</source>
        <translation>%1 · 无公布上限</translation>
    </message>
    <message>
        <source>Only a recalled unit can be returned here.</source>
        <translation>只有召回产品才能在此办理退货。</translation>
    </message>
    <message>
        <source>Choose the condition of the unit first (battery safety).</source>
        <translation>请先选择产品状况（电池安全）。</translation>
    </message>
    <message>
        <source>Which model does the customer take home? Type the replacement model.</source>
        <translation>顾客换走的是哪个型号？请输入换货型号。</translation>
    </message>
    <message>
        <source>Ticket %1
%2 %3</source>
        <translation>单号 %1
%2 %3</translation>
    </message>
    <message>
        <source>Override</source>
        <translation>经理授权</translation>
    </message>
    <message>
        <source>Reason for the override:</source>
        <translation>授权原因：</translation>
    </message>
    <message>
        <source>Signed in: %1</source>
        <translation>当前店员：%1</translation>
    </message>
</context>
<context>
    <name>CustodyPage</name>
    <message>
        <source>Container</source>
        <translation>容器</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Estimated Wh</source>
        <translation>估计瓦时</translation>
    </message>
    <message>
        <source>Age (days)</source>
        <translation>已存放（天）</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Con&amp;tainers</source>
        <translation>容器(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Open container…</source>
        <translation>开启容器(&amp;O)…</translation>
    </message>
    <message>
        <source>S&amp;eal</source>
        <translation>封存(&amp;E)</translation>
    </message>
    <message>
        <source>Hand o&amp;ver…</source>
        <translation>移交(&amp;V)…</translation>
    </message>
    <message>
        <source>Container la&amp;bel…</source>
        <translation>容器标签(&amp;B)…</translation>
    </message>
    <message>
        <source>Scan a bag label or type the ticket, then Enter</source>
        <translation>扫描袋标签或输入单号，然后按回车</translation>
    </message>
    <message>
        <source>T&amp;icket</source>
        <translation>单号(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>放入(&amp;A)</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>单号</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>型号</translation>
    </message>
    <message>
        <source>Serial / batch</source>
        <translation>序列号/批次</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>状况</translation>
    </message>
    <message>
        <source>recall-intact</source>
        <translation>召回（完好）</translation>
    </message>
    <message>
        <source>damaged/defective</source>
        <translation>损坏/缺陷</translation>
    </message>
    <message>
        <source>open</source>
        <translation>存放中</translation>
    </message>
    <message>
        <source>sealed</source>
        <translation>已封存</translation>
    </message>
    <message>
        <source>handed over</source>
        <translation>已移交</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source> (+%1 unknown)</source>
        <translation>（另有 %1 件未知）</translation>
    </message>
    <message>
        <source>
… and %1 more (custody report)</source>
        <translation>
…… 另有 %1 条（见保管报告）</translation>
    </message>
    <message>
        <source>No container selected</source>
        <translation>未选择容器</translation>
    </message>
    <message>
        <source>%1 · %2 · %3 units</source>
        <translation>%1 · %2 · %3 件</translation>
    </message>
    <message>
        <source>Open or select a container first.</source>
        <translation>请先开启或选择一个容器。</translation>
    </message>
    <message>
        <source>%1 is in %2 (%3 units).</source>
        <translation>%1 已放入 %2（共 %3 件）。</translation>
    </message>
    <message>
        <source>Opening a quarantine container needs a manager.</source>
        <translation>开启隔离容器需要店长批准。</translation>
    </message>
    <message>
        <source>Open a quarantine container</source>
        <translation>开启隔离容器</translation>
    </message>
    <message>
        <source>Container %1 opened. Scan bag labels to put units in.</source>
        <translation>容器 %1 已开启。扫描袋标签即可放入产品。</translation>
    </message>
    <message>
        <source>Seal</source>
        <translation>封存</translation>
    </message>
    <message>
        <source>Seal %1? It will take no more units.</source>
        <translation>封存 %1？封存后不能再放入产品。</translation>
    </message>
    <message>
        <source>Sealing %1 needs a manager.</source>
        <translation>封存 %1 需要店长批准。</translation>
    </message>
    <message>
        <source>%1 sealed.</source>
        <translation>%1 已封存。</translation>
    </message>
    <message>
        <source>Save the hand-over manifest</source>
        <translation>保存移交清单</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Handing over %1 needs a manager.</source>
        <translation>移交 %1 需要店长批准。</translation>
    </message>
    <message>
        <source>Hand over</source>
        <translation>移交</translation>
    </message>
    <message>
        <source>%1 handed over; manifest saved to %2</source>
        <translation>%1 已移交；移交清单已保存到 %2</translation>
    </message>
</context>
<context>
    <name>EntryDialog</name>
    <message>
        <source>Return %1</source>
        <translation>退货记录 %1</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>经过</translation>
    </message>
    <message>
        <source>History</source>
        <translation>操作记录</translation>
    </message>
    <message>
        <source>&amp;Void this return…</source>
        <translation>作废此退货(&amp;V)…</translation>
    </message>
    <message>
        <source>Manufacturer &amp;confirmed…</source>
        <translation>厂家已确认(&amp;C)…</translation>
    </message>
    <message>
        <source>Manufacturer &amp;rejected…</source>
        <translation>厂家不予确认(&amp;R)…</translation>
    </message>
    <message>
        <source>Reprint s&amp;lip…</source>
        <translation>补打凭条(&amp;L)…</translation>
    </message>
    <message>
        <source>Reprint &amp;bag label…</source>
        <translation>补打封袋标签(&amp;B)…</translation>
    </message>
    <message>
        <source>No such return.</source>
        <translation>没有这条退货记录。</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>单号</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Business date</source>
        <translation>营业日</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>店员</translation>
    </message>
    <message>
        <source>Model as typed</source>
        <translation>输入的型号</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>型号</translation>
    </message>
    <message>
        <source>Brand</source>
        <translation>品牌</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>判定结果</translation>
    </message>
    <message>
        <source>Confirmation</source>
        <translation>确认状态</translation>
    </message>
    <message>
        <source>Serial</source>
        <translation>序列号</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>批次号</translation>
    </message>
    <message>
        <source>Made on</source>
        <translation>生产日期</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>产品状况</translation>
    </message>
    <message>
        <source>Isolation confirmed</source>
        <translation>确认隔离时间</translation>
    </message>
    <message>
        <source>Remedy</source>
        <translation>处理方式</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Replacement model</source>
        <translation>换货型号</translation>
    </message>
    <message>
        <source>Proof</source>
        <translation>购买凭证</translation>
    </message>
    <message>
        <source>Receipt / order</source>
        <translation>小票号 / 订单号</translation>
    </message>
    <message>
        <source>Customer contact</source>
        <translation>顾客联系方式</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Override reason</source>
        <translation>授权原因</translation>
    </message>
    <message>
        <source>Override by</source>
        <translation>授权人</translation>
    </message>
    <message>
        <source>Duplicate of</source>
        <translation>重复退货原单号</translation>
    </message>
    <message>
        <source>Void reason</source>
        <translation>作废原因</translation>
    </message>
    <message>
        <source>Voided by</source>
        <translation>作废人</translation>
    </message>
    <message>
        <source>Voided at</source>
        <translation>作废时间</translation>
    </message>
    <message>
        <source>UUID</source>
        <translation>UUID</translation>
    </message>
    <message>
        <source>active</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>void</source>
        <translation>已作废</translation>
    </message>
    <message>
        <source>Reprint</source>
        <translation>补打</translation>
    </message>
    <message>
        <source>Why is %1 void? (the entry stays, marked void)</source>
        <translation>作废 %1 的原因？（记录会保留，并标为已作废）</translation>
    </message>
    <message>
        <source>Void return</source>
        <translation>作废退货</translation>
    </message>
    <message>
        <source>Manufacturer&apos;s answer</source>
        <translation>厂家核验结果</translation>
    </message>
    <message>
        <source>The manufacturer confirmed %1 as recalled. Note (optional, e.g. its case number):</source>
        <translation>厂家已确认 %1 属于召回范围。备注（选填，例如厂家的工单号）：</translation>
    </message>
    <message>
        <source>The manufacturer rejected %1. Note (e.g. its reason):</source>
        <translation>厂家不予确认 %1。备注（例如厂家给出的原因）：</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Set up Returns Desk</source>
        <translation>初始设置 — Returns Desk</translation>
    </message>
    <message>
        <source>This database is new. Enter the store and counter, and create the first manager account. The manager&apos;s PIN approves voids and overrides and adds clerks.</source>
        <translation>这是一个新数据库。请填写门店和柜台，并创建第一个经理账号。经理的 PIN 用于批准作废和授权，以及添加店员。</translation>
    </message>
    <message>
        <source>China (CNY)</source>
        <translation>中国大陆（人民币）</translation>
    </message>
    <message>
        <source>United States (USD)</source>
        <translation>美国（美元）</translation>
    </message>
    <message>
        <source>Canada (CAD)</source>
        <translation>加拿大（加元）</translation>
    </message>
    <message>
        <source>Australia (AUD)</source>
        <translation>澳大利亚（澳元）</translation>
    </message>
    <message>
        <source>Japan (JPY)</source>
        <translation>日本（日元）</translation>
    </message>
    <message>
        <source>Store name</source>
        <translation>门店名称</translation>
    </message>
    <message>
        <source>Counter id</source>
        <translation>柜台编号</translation>
    </message>
    <message>
        <source>Market</source>
        <translation>市场</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Manager&apos;s name</source>
        <translation>经理姓名</translation>
    </message>
    <message>
        <source>Manager&apos;s PIN (4–12 digits)</source>
        <translation>经理 PIN（4–12 位数字）</translation>
    </message>
    <message>
        <source>PIN again</source>
        <translation>再次输入 PIN</translation>
    </message>
    <message>
        <source>The two PINs differ. Type the PIN again.</source>
        <translation>两次输入的 PIN 不一致，请重新输入。</translation>
    </message>
</context>
<context>
    <name>HandOverDialog</name>
    <message>
        <source>Hand over %1</source>
        <translation>移交 %1</translation>
    </message>
    <message>
        <source>Ground transport only. Pack as the manufacturer&apos;s recall instructions or the recycler&apos;s kit require.</source>
        <translation>仅限陆运。请按厂商召回说明或回收商包装套件的要求包装。</translation>
    </message>
    <message>
        <source>&amp;Carrier or recycler</source>
        <translation>承运商或回收商(&amp;C)</translation>
    </message>
    <message>
        <source>Their &amp;reference</source>
        <translation>对方单号(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Packed by</source>
        <translation>包装人(&amp;P)</translation>
    </message>
    <message>
        <source>Fill in every field.</source>
        <translation>请填写所有字段。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Returns Desk — %1</source>
        <translation>Returns Desk 召回退货登记 — %1</translation>
    </message>
    <message>
        <source>Locked. Sign in to continue.</source>
        <translation>已锁定。请登录后继续。</translation>
    </message>
    <message>
        <source>&amp;Sign in…</source>
        <translation>登录(&amp;S)…</translation>
    </message>
    <message>
        <source>C&amp;ustody</source>
        <translation>保管(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Lock / switch clerk</source>
        <translation>锁定 / 切换店员(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Back up the database now</source>
        <translation>立即备份数据库(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Restore from backup…</source>
        <translation>从备份恢复(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Counter (F2)</source>
        <translation>柜台 (F2)</translation>
    </message>
    <message>
        <source>&amp;Counter</source>
        <translation>柜台(&amp;C)</translation>
    </message>
    <message>
        <source>Returns log (F3)</source>
        <translation>退货记录 (F3)</translation>
    </message>
    <message>
        <source>Returns &amp;log</source>
        <translation>退货记录(&amp;L)</translation>
    </message>
    <message>
        <source>Reports (F6)</source>
        <translation>报表 (F6)</translation>
    </message>
    <message>
        <source>&amp;Reports</source>
        <translation>报表(&amp;R)</translation>
    </message>
    <message>
        <source>Custody (F7)</source>
        <translation>保管 (F7)</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>前往(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Keyboard</source>
        <translation>快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About Returns Desk</source>
        <translation>关于 Returns Desk(&amp;A)</translation>
    </message>
    <message>
        <source>Store: %1 · Counter: %2 · Clerk: %7 · Market: %3 (%4) · Catalogue %5 · %6</source>
        <translation>门店：%1 · 柜台：%2 · 店员：%7 · 市场：%3（%4）· 召回目录 %5 · %6</translation>
    </message>
    <message>
        <source>Database integrity check passed</source>
        <translation>数据库完整性检查通过</translation>
    </message>
    <message>
        <source>Database damaged</source>
        <translation>数据库已损坏</translation>
    </message>
    <message>
        <source>The integrity check of %1 found damage: %2

Do not close the day. A manager should restore the newest good backup (File → Restore from backup…, or `returns-desk restore FILE`).</source>
        <translation>完整性检查发现 %1 已损坏：%2

请勿日结。请经理从最新的完好备份恢复（文件 → 从备份恢复…，或 `returns-desk restore 文件`）。</translation>
    </message>
    <message>
        <source>Restore from backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message>
        <source>Databases (*.db)</source>
        <translation>数据库 (*.db)</translation>
    </message>
    <message>
        <source>Restoring replaces today&apos;s database with %1.</source>
        <translation>恢复将用 %1 替换当前数据库。</translation>
    </message>
    <message>
        <source>Restored. The previous database is kept as %1. Returns Desk closes now; start it again.</source>
        <translation>已恢复。原数据库另存为 %1。Returns Desk 现在将关闭，请重新启动。</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>备份</translation>
    </message>
    <message>
        <source>Backup written to %1</source>
        <translation>备份已保存到 %1</translation>
    </message>
    <message>
        <source>Counter</source>
        <translation>柜台</translation>
    </message>
    <message>
        <source>Returns log</source>
        <translation>退货记录</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>Custody: containers; a bag label scanned on another page opens its return</source>
        <translation>保管：隔离容器；在其他页面扫描袋标签即打开该退货记录</translation>
    </message>
    <message>
        <source>print the customer&apos;s return slip for the last return</source>
        <translation>打印上一笔退货的顾客退货单</translation>
    </message>
    <message>
        <source>next field; in the model field: the first field still needed</source>
        <translation>下一栏；在型号栏：跳到第一个还需填写的栏</translation>
    </message>
    <message>
        <source>in the model field: the “did you mean” list</source>
        <translation>在型号栏：进入“您要找的是不是”列表</translation>
    </message>
    <message>
        <source>use the corrected serial number</source>
        <translation>使用更正后的序列号</translation>
    </message>
    <message>
        <source>save the return</source>
        <translation>保存退货</translation>
    </message>
    <message>
        <source>Enter in Notes</source>
        <translation>在备注栏按回车</translation>
    </message>
    <message>
        <source>clear the form</source>
        <translation>清空表单</translation>
    </message>
    <message>
        <source>model, batch, date, serial, condition, remedy, amount</source>
        <translation>型号、批次号、生产日期、序列号、产品状况、处理方式、金额</translation>
    </message>
    <message>
        <source>tick “I have isolated the unit” (Space ticks it too)</source>
        <translation>勾选“我已按上面的说明隔离此设备”（空格键也可勾选）</translation>
    </message>
    <message>
        <source>↑ / ↓ in Condition</source>
        <translation>在“状态”中按 ↑ / ↓</translation>
    </message>
    <message>
        <source>choose the condition; the first letter jumps to it</source>
        <translation>选择设备状态；按首字母可直接跳到该项</translation>
    </message>
    <message>
        <source>on the hot-unit card: record the incident</source>
        <translation>在发热设备卡片上：记录事件</translation>
    </message>
    <message>
        <source>not affected: log the enquiry (customer told)</source>
        <translation>不在召回范围：记录咨询（已告知顾客）</translation>
    </message>
    <message>
        <source>a product name or capacity was typed: take that candidate model</source>
        <translation>输入的是产品名称或容量：选择对应的候选型号</translation>
    </message>
    <message>
        <source>in the log or an entry: void the return (manager)</source>
        <translation>在记录列表或单条记录中：作废退货（店长）</translation>
    </message>
    <message>
        <source>in an entry: reprint the slip / the bag label (marked as a reprint)</source>
        <translation>在单条记录中：补打凭条 / 袋标（标明为补打）</translation>
    </message>
    <message>
        <source>in the log: the filters (from, to, clerk, model, remedy, status, search); Tab leaves the list</source>
        <translation>在退货记录中：筛选条件（起始、截止、店员、型号、处理方式、状态、搜索）；按 Tab 键离开列表</translation>
    </message>
    <message>
        <source>lock the window or switch clerk; Enter on the lock screen signs in</source>
        <translation>锁定窗口或切换店员；在锁定界面按回车登录</translation>
    </message>
    <message>
        <source>this list</source>
        <translation>本列表</translation>
    </message>
    <message>
        <source>Scanner</source>
        <translation>扫码枪</translation>
    </message>
    <message>
        <source>a scan in any other field goes to the model field</source>
        <translation>在其他栏扫码，会自动填入型号栏</translation>
    </message>
    <message>
        <source>Enter in the log</source>
        <translation>在退货记录中按回车</translation>
    </message>
    <message>
        <source>open the selected return</source>
        <translation>打开所选退货记录</translation>
    </message>
    <message>
        <source>quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Keyboard</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>About Returns Desk</source>
        <translation>关于 Returns Desk</translation>
    </message>
    <message>
        <source>%1, version %2&lt;br&gt;Recall catalogue %3&lt;br&gt;Database: %4</source>
        <translation>%1，版本 %2&lt;br&gt;召回目录版本 %3&lt;br&gt;数据库：%4</translation>
    </message>
    <message>
        <source>Returns Desk</source>
        <translation>Returns Desk 召回退货登记</translation>
    </message>
</context>
<context>
    <name>OpenContainerDialog</name>
    <message>
        <source>Open a quarantine container</source>
        <translation>开启隔离容器</translation>
    </message>
    <message>
        <source>A damaged, swollen, leaking or burnt unit may only go into a damaged/defective container.</source>
        <translation>损坏、鼓包、漏液或烧焦的产品只能放入损坏/缺陷容器。</translation>
    </message>
    <message>
        <source>Recall-intact</source>
        <translation>召回（完好）</translation>
    </message>
    <message>
        <source>Damaged/defective (DDR kit)</source>
        <translation>损坏/缺陷（DDR 包装套件）</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>&amp;Type</source>
        <translation>类型(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Location</source>
        <translation>位置(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Unit limit</source>
        <translation>件数上限(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Energy limit (estimated)</source>
        <translation>能量上限（估计）(&amp;E)</translation>
    </message>
    <message>
        <source>Where is the container kept?</source>
        <translation>容器存放在哪里？</translation>
    </message>
</context>
<context>
    <name>Recovery</name>
    <message>
        <source>%1

Restore the newest good backup, %2?
The damaged file is kept aside, not overwritten.</source>
        <translation>%1

是否从最新的完好备份 %2 恢复？
损坏的文件会另行保留，不会被覆盖。</translation>
    </message>
</context>
<context>
    <name>ReportPage</name>
    <message>
        <source>Daily return report</source>
        <extracomment>Rows of the day&apos;s list shown on screen (all of them go to the preview and the PDF).</extracomment>
        <translation>每日退货报表</translation>
    </message>
    <message>
        <source>This counter (%1)</source>
        <translation>本柜台（%1）</translation>
    </message>
    <message>
        <source>Whole store</source>
        <translation>全店</translation>
    </message>
    <message>
        <source>Whole store (head office)</source>
        <translation>全店（总部）</translation>
    </message>
    <message>
        <source>Letter (US)</source>
        <translation>美式信纸 (Letter)</translation>
    </message>
    <message>
        <source>&amp;Business date</source>
        <translation>营业日期(&amp;B)</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Paper</source>
        <translation>纸张</translation>
    </message>
    <message>
        <source>&amp;Show</source>
        <translation>显示(&amp;S)</translation>
    </message>
    <message>
        <source>Print pre&amp;view…</source>
        <translation>打印预览(&amp;V)…</translation>
    </message>
    <message>
        <source>Save P&amp;DF…</source>
        <translation>保存 PDF(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Close day (Z)…</source>
        <translation>日结（Z 报表）(&amp;C)…</translation>
    </message>
    <message>
        <source>Refund / replacement tally export</source>
        <translation>退款 / 换货汇总导出</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>至</translation>
    </message>
    <message>
        <source>day</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>clerk</source>
        <translation>店员</translation>
    </message>
    <message>
        <source>brand</source>
        <translation>品牌</translation>
    </message>
    <message>
        <source>model</source>
        <translation>型号</translation>
    </message>
    <message>
        <source>remedy</source>
        <translation>处理方式</translation>
    </message>
    <message>
        <source>Group by</source>
        <translation>分组依据</translation>
    </message>
    <message>
        <source>Excel workbook (XLSX)</source>
        <translation>Excel 工作簿 (XLSX)</translation>
    </message>
    <message>
        <source>F&amp;ormat</source>
        <translation>格式(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>The business date is YYYY-MM-DD.</source>
        <translation>营业日期格式为 YYYY-MM-DD。</translation>
    </message>
    <message>
        <source>The whole store&apos;s report from head office is for managers.</source>
        <translation>总部的全店报表仅供经理查看。</translation>
    </message>
    <message>
        <source>The list shows the first %1 of %2 returns; print preview and the PDF hold them all.</source>
        <translation>列表仅显示 %2 笔退货中的前 %1 笔；打印预览和 PDF 包含全部记录。</translation>
    </message>
    <message>
        <source>Save the daily report</source>
        <translation>保存每日报表</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Head office&apos;s whole-store report cannot be closed from a counter: close each counter&apos;s day.</source>
        <translation>总部的全店报表不能在柜台日结：请分别为各柜台日结。</translation>
    </message>
    <message>
        <source>Closing %1 freezes its report as a numbered Z report.</source>
        <translation>日结后，%1 的报表将冻结为带编号的 Z 报表。</translation>
    </message>
    <message>
        <source>Day %1 closed: Z No. %2</source>
        <translation>%1 已日结：Z 报表第 %2 号</translation>
    </message>
    <message>
        <source>Dates are YYYY-MM-DD.</source>
        <translation>日期格式为 YYYY-MM-DD。</translation>
    </message>
    <message>
        <source>The period ends before it starts.</source>
        <translation>结束日期早于开始日期。</translation>
    </message>
    <message>
        <source>Exports are for managers.</source>
        <translation>导出需由经理操作。</translation>
    </message>
    <message>
        <source>Export the tally</source>
        <translation>导出汇总</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Exported %1 rows to %2</source>
        <translation>已导出 %1 行到 %2</translation>
    </message>
</context>
<context>
    <name>ReturnsLogPage</name>
    <message>
        <source>from YYYY-MM-DD</source>
        <translation>从 YYYY-MM-DD</translation>
    </message>
    <message>
        <source>to YYYY-MM-DD</source>
        <translation>至 YYYY-MM-DD</translation>
    </message>
    <message>
        <source>clerk</source>
        <translation>店员</translation>
    </message>
    <message>
        <source>model</source>
        <translation>型号</translation>
    </message>
    <message>
        <source>any remedy</source>
        <translation>全部处理方式</translation>
    </message>
    <message>
        <source>any status</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>active</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>void</source>
        <translation>已作废</translation>
    </message>
    <message>
        <source>search ticket, serial, receipt, notes</source>
        <translation>搜索单号、序列号、小票号、备注</translation>
    </message>
    <message>
        <source>From &amp;date</source>
        <translation>起始日期(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;To</source>
        <translation>截止日期(&amp;T)</translation>
    </message>
    <message>
        <source>Cl&amp;erk</source>
        <translation>店员(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>型号(&amp;M)</translation>
    </message>
    <message>
        <source>Remed&amp;y</source>
        <translation>处理方式(&amp;Y)</translation>
    </message>
    <message>
        <source>Stat&amp;us</source>
        <translation>状态(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>搜索(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Incidents and enquiries at the counter (newest first)</source>
        <translation>柜台事件和咨询（最新在前）(&amp;I)</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>店员</translation>
    </message>
    <message>
        <source>Model as typed</source>
        <translation>输入的型号</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>状况</translation>
    </message>
    <message>
        <source>What was done</source>
        <translation>采取的措施</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>&amp;Open entry (Enter)</source>
        <translation>打开记录（回车）(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Void…</source>
        <translation>作废(&amp;V)…</translation>
    </message>
    <message>
        <source>Dates are YYYY-MM-DD</source>
        <translation>日期格式为 YYYY-MM-DD</translation>
    </message>
    <message numerus="yes">
        <source>%n return(s)</source>
        <translation>
            <numerusform>共 %n 条退货记录</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReturnsTableModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>单号</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>店员</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>型号</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回</translation>
    </message>
    <message>
        <source>Serial / batch</source>
        <translation>序列号 / 批次号</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>状况</translation>
    </message>
    <message>
        <source>Remedy</source>
        <translation>处理方式</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>VOID</source>
        <translation>已作废</translation>
    </message>
    <message>
        <source>pending confirmation</source>
        <translation>待厂家确认</translation>
    </message>
    <message>
        <source>active</source>
        <translation>有效</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Sign in with your name and PIN.</source>
        <translation>请输入姓名和 PIN 登录。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>This computer does not hold the signing key of this database, so nothing can be recorded in this counter&apos;s name. If the key was lost (a new computer, a restored disk), a manager approves a new key with a reason; the audit trail shows it as a key change.</source>
        <translation>本机没有此数据库的签名密钥，因此不能以本柜台的名义记录任何内容。如果密钥已丢失（换了新电脑或恢复了磁盘），请由经理填写原因批准新密钥；审计记录会将其显示为密钥更换。</translation>
    </message>
</context>
<context>
    <name>SyncStatus</name>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Send the returns waiting here to head office now</source>
        <translation>立即将本机等待发送的退货发送到总部</translation>
    </message>
    <message>
        <source>Recall catalogue %1 received from head office</source>
        <translation>已从总部接收召回目录 %1</translation>
    </message>
    <message>
        <source>Head office: offline since %1 · %2 waiting</source>
        <translation>总部：自 %1 起离线 · %2 条等待发送</translation>
    </message>
    <message>
        <source>Head office: sync failed (%1) · %2 waiting</source>
        <translation>总部：同步失败（%1）· %2 条等待发送</translation>
    </message>
    <message>
        <source>Head office: %1 waiting</source>
        <translation>总部：%1 条等待发送</translation>
    </message>
    <message>
        <source>Head office: synced %1</source>
        <translation>总部：已同步 %1</translation>
    </message>
    <message>
        <source>this computer&apos;s clock is %1 min off</source>
        <translation>本机时钟偏差 %1 分钟</translation>
    </message>
</context>
</TS>
